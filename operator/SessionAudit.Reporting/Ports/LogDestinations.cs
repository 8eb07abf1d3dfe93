namespace SessionAudit.Reporting.Ports;

/// <summary>Where a Session document's preferences send session logs: the <c>inputs</c> of its content.</summary>
/// <param name="S3BucketName">inputs.s3BucketName; null or empty: no S3 log.</param>
/// <param name="S3KeyPrefix">inputs.s3KeyPrefix; null: none.</param>
/// <param name="S3EncryptionEnabled">inputs.s3EncryptionEnabled: the agent uploads only to an encrypted bucket.</param>
/// <param name="CloudWatchLogGroupName">inputs.cloudWatchLogGroupName; null or empty: no CloudWatch log.</param>
public sealed record LogDestinations(string? S3BucketName, string? S3KeyPrefix, bool S3EncryptionEnabled, string? CloudWatchLogGroupName)
{
    /// <summary>True when the preferences name at least one destination.</summary>
    public bool Any => !string.IsNullOrEmpty(S3BucketName) || !string.IsNullOrEmpty(CloudWatchLogGroupName);
}
