using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>The S3 bucket's SSE-KMS key as the grants concern needs it.</summary>
/// <param name="Customer">The bucket's customer-managed key when it is usable; null when the bucket needs none (SSE-S3,
/// aws/s3, no bucket).</param>
/// <param name="Unknown">True when the bucket or its key could not be checked: grants on it neither made nor revoked.</param>
internal sealed record BucketKey(KmsKeyInfo? Customer, bool Unknown)
{
    /// <summary>No key to grant on.</summary>
    public static BucketKey None { get; } = new(null, false);
}

/// <summary>The S3 bucket's default-encryption key (S2): with SSE-KMS the SSM Agent uploads the session log with the
/// instance role, which needs kms:GenerateDataKey and kms:Decrypt on a customer-managed key (aws/s3 needs nothing), and
/// a disabled or deleted key stops every upload. Its verdict refines the bucket check's (S3Ready).</summary>
internal static class BucketKeyCheck
{
    private const string Type = ConditionTypes.S3Ready;

    /// <summary>The key id, ARN or alias the bucket names; null without SSE-KMS or when it names none (aws/s3).</summary>
    private static string? KeyOf(BucketInfo? bucket) =>
        bucket is { DefaultEncryption: true, SseAlgorithm: "aws:kms" or "aws:kms:dsse", KmsKeyId: { Length: > 0 } id } ? id : null;

    /// <summary>DescribeKey of the bucket's key, when the bucket was read and names one. Reads only.</summary>
    public static async Task<Observed<KmsKeyInfo>?> ObserveAsync(IKmsKeyPort keys, Observed<BucketInfo>? bucket, CancellationToken ct) =>
        KeyOf(bucket?.Value) is { } keyId
            ? await Observed<KmsKeyInfo>.ReadAsync(() => keys.DescribeAsync(keyId, ct)).ConfigureAwait(false)
            : null;

    /// <summary>The bucket check's verdict, unless it passed and the key stops delivery; and the key the grants concern
    /// needs (unknown while the bucket or its key cannot be read or the key is unusable).</summary>
    public static (CheckResult Result, BucketKey Key) Diff(PolicyFacts policy, CheckResult bucketCheck, Observed<BucketInfo>? bucket, Observed<KmsKeyInfo>? observed)
    {
        if (policy.Spec.S3?.BucketName is not { } name)
        {
            return (bucketCheck, BucketKey.None);
        }

        if (bucket?.Value is not { } info)
        {
            return (bucketCheck, new BucketKey(null, true));
        }

        if (KeyOf(info) is not { } keyId || observed is not { } o)
        {
            return (bucketCheck, BucketKey.None);
        }

        // A bucket check that already failed keeps its own verdict (the root cause); the key is still judged for grants.
        var passed = bucketCheck.Held is null;
        var held = "the S3 settings of the preferences document are left as they are until this is fixed";
        var unknown = new BucketKey(null, true);
        if (o.Failure is { } f)
        {
            return (passed ? CheckResult.Unreadable(Type, f, $"Describing key {keyId} of bucket {name}'s default encryption (kms:DescribeKey)", policy.RoleArn,
                SettingGroup.S3, $"S3 settings held: the key of bucket {name} could not be read") : bucketCheck, unknown);
        }

        if (o.Value is not { } key)
        {
            return (passed ? CheckResult.Unmet(Type, "BucketKeyNotFound", $"Bucket {name} encrypts new objects with KMS key {keyId}, which does not exist: every session log upload would fail. Point the bucket's default encryption (s3:PutEncryptionConfiguration) at an existing key; {held}.", SettingGroup.S3) : bucketCheck, unknown);
        }

        if (!key.Enabled)
        {
            return (passed ? CheckResult.Unmet(Type, "BucketKeyNotEnabled", $"Bucket {name} encrypts new objects with KMS key {key.Arn}, which is {key.KeyState}: every session log upload would fail. Enable the key (or cancel its deletion) or change the bucket's default encryption; {held}.", SettingGroup.S3) : bucketCheck, unknown);
        }

        return key.KeyManager == KmsKeyManager.Customer
            ? (Refined(bucketCheck, $" Its key {key.Arn} is customer-managed: instance roles get grants on it (see KmsGrantsReady)."), new BucketKey(key, false))
            : (Refined(bucketCheck, $" Its key {key.Arn} is AWS-managed: instance roles need no grant."), BucketKey.None);
    }

    private static CheckResult Refined(CheckResult met, string more)
    {
        if (met.Report.Condition is not { Status: true } c)
        {
            return met;
        }

        met.Report.Set(true, c.Reason, c.Message + more);
        return met;
    }

    /// <summary>The bucket's customer-managed key ARN for deletion's cleanup; null when none or it cannot be read (the
    /// keys status names are looked at anyway).</summary>
    public static async Task<string?> FindForCleanupAsync(IAwsEnvironment aws, PolicyFacts policy, CancellationToken ct)
    {
        if (policy.Spec.S3?.BucketName is not { } name)
        {
            return null;
        }

        try
        {
            return KeyOf(await aws.Buckets.DescribeAsync(name, ct).ConfigureAwait(false)) is { } keyId
                   && await aws.Keys.DescribeAsync(keyId, ct).ConfigureAwait(false) is { KeyManager: KmsKeyManager.Customer } key
                ? key.Arn
                : null;
        }
        catch (AwsFailure f) when (f.Kind is AwsFailureKind.NotFound or AwsFailureKind.AccessDenied)
        {
            return null;
        }
    }
}
