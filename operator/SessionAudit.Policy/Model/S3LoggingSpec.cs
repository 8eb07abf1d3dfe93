using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>Session log delivery to S3.</summary>
[CelRule("has(self.bucketName) || !has(self.encryptionRequired) || !self.encryptionRequired", "encryptionRequired needs bucketName", FieldPath = ".encryptionRequired")]
[CelRule("has(self.bucketName) || !has(self.keyPrefix)", "keyPrefix needs bucketName", FieldPath = ".keyPrefix")]
public sealed record S3LoggingSpec
{
    /// <summary>Bucket name.</summary>
    [Description("Existing S3 bucket receiving session logs (s3BucketName). Names with dots work but break virtual-hosted TLS: the operator warns.")]
    [RegularExpression(Patterns.BucketName)]
    [MaxLength(63)]
    [CelRule(CelBounds.BucketNoAdjacentDots, "must not have adjacent dots or a dot next to a hyphen: S3 does not allow them")]
    [CelRule(CelBounds.BucketNotIpAddress, "must not look like an IP address: S3 does not allow it")]
    [CelRule(CelBounds.BucketNotReserved, "must not use a prefix or suffix S3 reserves (xn--, sthree-, -s3alias, --ol-s3)")]
    public string? BucketName { get; init; }

    /// <summary>Key prefix.</summary>
    [Description("Key prefix of the log objects inside the bucket (s3KeyPrefix), for example sessions/. Empty: the bucket root.")]
    [RegularExpression(Patterns.KeyPrefix)]
    [MaxLength(1024)]
    public string? KeyPrefix { get; init; }

    /// <summary>Expected bucket owner.</summary>
    [Description("The 12-digit account id that must own the bucket (and the report bucket). Sent as ExpectedBucketOwner on every S3 call the operator makes: S3 refuses with 403 when another account owns the bucket. Empty: not checked.")]
    [RegularExpression(Patterns.AccountId)]
    [MaxLength(12)]
    public string? ExpectedBucketOwner { get; init; }

    /// <summary>Require encrypted delivery.</summary>
    [Description("Send logs only to a bucket with default encryption (s3EncryptionEnabled; SSE-S3 or SSE-KMS). The operator checks the bucket's default encryption before enabling it. Default true, as in AWS.")]
    public bool? EncryptionRequired { get; init; }
}
