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
            ? await Observed<BucketInfo>.ReadAsync(() => buckets.DescribeAsync(bucket, policy.Spec.S3.ExpectedBucketOwner, ct)).ConfigureAwait(false)
            : null;

    public static CheckResult Diff(PolicyFacts policy, Observed<BucketInfo>? observed)
    {
        if (policy.Spec.S3?.BucketName is not { } bucket || observed is not { } o)
        {
            return CheckResult.Met(Type, "NotConfigured", "spec.s3.bucketName is not set: the preferences name no bucket.");
        }

        if (o.Failure is { Kind: AwsFailureKind.AccessDenied } denied && policy.Spec.S3.ExpectedBucketOwner is { Length: > 0 } owner)
        {
            // S3 answers 403 both when the owner differs and when a permission is missing: say both.
            return CheckResult.Unreadable(Type, denied, $"Reading bucket {bucket} with spec.s3.expectedBucketOwner {owner} (S3 refuses with 403 when another account owns the bucket; the operator also needs s3:ListBucket, s3:GetEncryptionConfiguration)", policy.RoleArn,
                SettingGroup.S3, $"S3 settings held: bucket {bucket} could not be confirmed as owned by {owner}");
        }

        if (o.Failure is { } f)
        {
            return CheckResult.Unreadable(Type, f, $"Reading bucket {bucket} (s3:ListBucket, s3:GetEncryptionConfiguration)", policy.RoleArn,
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

        var where = info.Region is { } r && r != policy.Spec.Region ? $" in {r} (not the policy's {policy.Spec.Region}; Session Manager uploads there, and the operator reads it there)" : "";
        var owned = policy.Spec.S3.ExpectedBucketOwner is { Length: > 0 } o2 ? $", owned by {o2}," : "";
        return CheckResult.Met(Type, "BucketReady", info.DefaultEncryption
            ? $"Bucket {bucket}{where}{owned} exists and has default encryption ({info.SseAlgorithm ?? "enabled"})."
            : $"Bucket {bucket}{where}{owned} exists (encryption not required).");
    }
}
