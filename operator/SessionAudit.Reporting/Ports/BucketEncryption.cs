namespace SessionAudit.Reporting.Ports;

/// <summary>A log bucket's default encryption, as far as the report needs it to say why a log is missing.</summary>
/// <param name="Encrypted">Whether the bucket has default encryption; null when that could not be read.</param>
/// <param name="CustomerKeyArn">The ARN of the bucket's SSE-KMS key when it is customer-managed (the uploader, the
/// instance's role, then needs kms:GenerateDataKey on it); null for SSE-S3, the AWS-managed aws/s3 key, or unknown.</param>
public sealed record BucketEncryption(bool? Encrypted, string? CustomerKeyArn = null);
