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
}
