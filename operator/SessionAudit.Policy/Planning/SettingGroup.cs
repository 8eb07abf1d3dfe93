namespace SessionAudit.Policy.Planning;

/// <summary>Groups of preferences inputs that share a prerequisite: a failed prerequisite holds its whole group at its current value.</summary>
public enum SettingGroup
{
    /// <summary>s3BucketName, s3KeyPrefix, s3EncryptionEnabled (bucket exists; default encryption when required).</summary>
    S3,
    /// <summary>cloudWatchLogGroupName, cloudWatchEncryptionEnabled, cloudWatchStreamingEnabled (group exists; KMS key when required).</summary>
    CloudWatch,
    /// <summary>kmsKeyId (key exists and is enabled).</summary>
    Kms,
}
