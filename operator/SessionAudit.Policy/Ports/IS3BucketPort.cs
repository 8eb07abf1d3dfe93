namespace SessionAudit.Policy.Ports;

/// <summary>What S3 says about a bucket: its default encryption, when it has one.</summary>
/// <param name="Name">Bucket name.</param>
/// <param name="DefaultEncryption">True when GetBucketEncryption returned at least one rule.</param>
/// <param name="SseAlgorithm">"AES256", "aws:kms" or "aws:kms:dsse" from the first rule; null without one.</param>
/// <param name="KmsKeyId">KMSMasterKeyID of the first rule, when SSE-KMS.</param>
public sealed record BucketInfo(string Name, bool DefaultEncryption, string? SseAlgorithm = null, string? KmsKeyId = null)
{
    /// <summary>The region the bucket is in, when S3 named another one than the scope's (its 301 answer's x-amz-bucket-region).</summary>
    public string? Region { get; init; }
}

/// <summary>S3 bucket checks (HeadBucket, GetBucketEncryption), made in the bucket's own region.</summary>
public interface IS3BucketPort
{
    /// <summary>Returns the bucket and its default encryption; null when the bucket does not exist
    /// (ServerSideEncryptionConfigurationNotFoundError is NOT an error: DefaultEncryption=false). A bucket in another region
    /// is read there (S3 answers 301 naming its region). <paramref name="expectedOwner"/>, when set, goes on every call as
    /// ExpectedBucketOwner, so a bucket owned by another account fails with AccessDenied.</summary>
    Task<BucketInfo?> DescribeAsync(string bucketName, string? expectedOwner, CancellationToken cancellationToken);
}

/// <summary>Shorthands for <see cref="IS3BucketPort"/>.</summary>
public static class S3BucketPortExtensions
{
    /// <summary>Describes a bucket without an expected owner.</summary>
    public static Task<BucketInfo?> DescribeAsync(this IS3BucketPort port, string bucketName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(port);
        return port.DescribeAsync(bucketName, null, cancellationToken);
    }
}
