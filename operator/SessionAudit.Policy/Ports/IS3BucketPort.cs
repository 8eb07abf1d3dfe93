namespace SessionAudit.Policy.Ports;

/// <summary>What S3 says about a bucket: its default encryption, when it has one.</summary>
/// <param name="Name">Bucket name.</param>
/// <param name="DefaultEncryption">True when GetBucketEncryption returned at least one rule.</param>
/// <param name="SseAlgorithm">"AES256", "aws:kms" or "aws:kms:dsse" from the first rule; null without one.</param>
/// <param name="KmsKeyId">KMSMasterKeyID of the first rule, when SSE-KMS.</param>
public sealed record BucketInfo(string Name, bool DefaultEncryption, string? SseAlgorithm = null, string? KmsKeyId = null);

/// <summary>S3 bucket checks (HeadBucket, GetBucketEncryption).</summary>
public interface IS3BucketPort
{
    /// <summary>Returns the bucket and its default encryption; null when the bucket does not exist
    /// (ServerSideEncryptionConfigurationNotFoundError is NOT an error: DefaultEncryption=false).</summary>
    Task<BucketInfo?> DescribeAsync(string bucketName, CancellationToken cancellationToken);
}
