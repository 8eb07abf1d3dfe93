namespace SessionAudit.Reporting.Ports;

/// <summary>Where the report reads session activity and managed nodes from; one account and region per instance. The AWS adapter implements it.</summary>
public interface ISessionActivitySource
{
    /// <summary>
    /// Streams the sessions in <paramref name="state"/> started after <paramref name="invokedAfter"/>
    /// (DescribeSessions with the InvokedAfter filter), following NextToken page by page.
    /// </summary>
    IAsyncEnumerable<SessionRecord> GetSessionsAsync(SessionState state, DateTimeOffset invokedAfter, CancellationToken cancellationToken);

    /// <summary>Streams every managed node (DescribeInstanceInformation), page by page.</summary>
    IAsyncEnumerable<ManagedInstance> GetInstancesAsync(CancellationToken cancellationToken);

    /// <summary>The <c>sessionType</c> of a Session document (GetDocument of its default version), which decides whether
    /// its sessions are logged. Never throws for AWS's sake: a document that cannot be read is
    /// <see cref="SessionDocumentType.Unreadable"/>.</summary>
    Task<SessionDocumentType> GetSessionTypeAsync(string documentName, CancellationToken cancellationToken);

    /// <summary>Every key in <paramref name="bucket"/> under <paramref name="keyPrefix"/> (ListObjectsV2 by prefix, all pages),
    /// where the agent writes <c>&lt;s3KeyPrefix&gt;&lt;session-id&gt;.log</c>. Never throws for AWS's sake: a missing bucket is
    /// <see cref="LogListing.NotFound"/>, any other failure (AccessDenied...) <see cref="LogListing.Unreadable"/>.</summary>
    Task<LogListing> ListLogObjectsAsync(string bucket, string keyPrefix, CancellationToken cancellationToken);

    /// <summary>Every log stream name in <paramref name="logGroupName"/> that starts with <paramref name="streamNamePrefix"/>
    /// (DescribeLogStreams with logStreamNamePrefix, all pages). Never throws for AWS's sake, like <see cref="ListLogObjectsAsync"/>.</summary>
    Task<LogListing> ListLogStreamsAsync(string logGroupName, string streamNamePrefix, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="bucket"/> has default encryption (GetBucketEncryption); null when that cannot be read.
    /// Asked only when a log is missing from a bucket whose preferences require encryption.</summary>
    Task<bool?> IsBucketEncryptedAsync(string bucket, CancellationToken cancellationToken);

    /// <summary>The bucket's default encryption and, when it is a customer-managed KMS key, that key's ARN
    /// (GetBucketEncryption, then DescribeKey). Never throws for AWS's sake. Asked once per bucket, only when a log is
    /// missing from it. A source that cannot tell the key answers as <see cref="IsBucketEncryptedAsync"/>.</summary>
    async Task<BucketEncryption> GetBucketEncryptionAsync(string bucket, CancellationToken cancellationToken) =>
        new(await IsBucketEncryptedAsync(bucket, cancellationToken).ConfigureAwait(false));

    /// <summary>The IAM role ARN each of <paramref name="instanceIds"/> runs with, where it can be read: a hybrid node's
    /// IamRole (DescribeInstanceInformation), an EC2 instance's instance profile (EC2 DescribeIamInstanceProfileAssociations)
    /// and its role (IAM GetInstanceProfile). Instances whose role cannot be read (AccessDenied, no profile, any failure)
    /// are left out; never throws for AWS's sake. Asked in batches, only for instances whose log is missing from a bucket
    /// encrypted with a customer-managed key.</summary>
    Task<IReadOnlyDictionary<string, string>> GetInstanceRolesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
}
