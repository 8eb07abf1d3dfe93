using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>S3 bucket for session logs (S2): exists, and has default encryption when required.</summary>
internal static class BucketCheck
{
    private const string Type = ConditionTypes.S3Ready;

    public static async Task<Observed<BucketInfo>?> ObserveAsync(IS3BucketPort buckets, PolicyFacts policy, CancellationToken ct) =>
        policy.Spec.S3?.BucketName is { } bucket
            ? await Observed<BucketInfo>.ReadAsync(() => buckets.DescribeAsync(bucket, ct)).ConfigureAwait(false)
            : null;

    public static CheckResult Diff(PolicyFacts policy, Observed<BucketInfo>? observed)
    {
        if (policy.Spec.S3?.BucketName is not { } bucket || observed is not { } o)
        {
            return CheckResult.Met(Type, "NotConfigured", "spec.s3.bucketName is not set: the preferences name no bucket.");
        }

        if (o.Failure is { } f)
        {
            return CheckResult.Unreadable(Type, f, $"Reading bucket {bucket} (s3:ListBucket, s3:GetEncryptionConfiguration)", policy.Spec.RoleArn,
                SettingGroup.S3, $"S3 settings held: bucket {bucket} could not be read");
        }

        var held = "the S3 settings of the preferences document are left as they are until this is fixed";
        var info = o.Value;
        if (info is null)
        {
            return CheckResult.Unmet(Type, "BucketNotFound", $"Bucket {bucket} does not exist (or is not visible to the operator). Create it or correct spec.s3.bucketName; {held}.", SettingGroup.S3);
        }

        if ((policy.Spec.S3.EncryptionRequired ?? true) && !info.DefaultEncryption)
        {
            return CheckResult.Unmet(Type, "BucketNotEncrypted", $"Bucket {bucket} has no default encryption, but spec.s3.encryptionRequired is true. Turn on default encryption (SSE-S3 AES-256 or SSE-KMS) or set encryptionRequired: false; {held}.", SettingGroup.S3);
        }

        if (bucket.Contains('.', StringComparison.Ordinal))
        {
            var message = $"Bucket {bucket} is ready, but its name contains dots: virtual-hosted-style HTTPS to it fails certificate checks. Prefer a bucket name without dots.";
            var dotted = CheckResult.Met(Type, "BucketNameHasDots", message);
            dotted.Report.Notes.Add(message);
            dotted.Report.Warn("BucketNameHasDots", message);
            return dotted;
        }

        return CheckResult.Met(Type, "BucketReady", info.DefaultEncryption
            ? $"Bucket {bucket} exists and has default encryption ({info.SseAlgorithm ?? "enabled"})."
            : $"Bucket {bucket} exists (encryption not required).");
    }
}
