using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>The session encryption key (S4): exists, is customer-managed, symmetric (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT)
/// and enabled. Its resolved description is passed on, as a value, to the grants concern.</summary>
internal static class SessionKeyCheck
{
    private const string Type = ConditionTypes.EncryptionReady;

    public static async Task<Observed<KmsKeyInfo>?> ObserveAsync(IKmsKeyPort keys, PolicyFacts policy, CancellationToken ct) =>
        policy.Spec.Kms is { } kms
            ? await Observed<KmsKeyInfo>.ReadAsync(() => keys.DescribeAsync(kms.KeyId, ct)).ConfigureAwait(false)
            : null;

    /// <summary>The verdict, and the key when it is usable (null otherwise).</summary>
    public static (CheckResult Result, KmsKeyInfo? Key) Diff(PolicyFacts policy, Observed<KmsKeyInfo>? observed)
    {
        if (policy.Spec.Kms is not { } kms || observed is not { } o)
        {
            return (CheckResult.Met(Type, "NotConfigured", "spec.kms is not set: session data is not encrypted with a KMS key of yours."), null);
        }

        if (o.Failure is { } f)
        {
            return (CheckResult.Unreadable(Type, f, $"Describing KMS key {kms.KeyId} (kms:DescribeKey)", policy.RoleArn,
                SettingGroup.Kms, $"kmsKeyId held: key {kms.KeyId} could not be read"), null);
        }

        var held = "kmsKeyId in the preferences document is left as it is until this is fixed";
        var key = o.Value;
        if (key is null)
        {
            return (CheckResult.Unmet(Type, "KeyNotFound", $"KMS key {kms.KeyId} does not exist in {policy.Spec.Region}. Create it or correct spec.kms.keyId; {held}.", SettingGroup.Kms), null);
        }

        // The SSM Agent calls kms:Decrypt and kms:GenerateDataKey itself with the instance role: only a customer-managed
        // symmetric encryption key can allow that (an AWS-managed key's policy allows use only through its service).
        if (key.KeyManager != KmsKeyManager.Customer)
        {
            return (CheckResult.Unmet(Type, "AwsManagedKey", $"KMS key {key.Arn} is AWS-managed: its key policy lets only its AWS service use it, and cannot be changed, so the SSM Agent's own kms:Decrypt calls with the instance role would be refused and sessions would fail. Use a customer-managed symmetric key (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT), for example one made with `aws kms create-key`; {held}.", SettingGroup.Kms), null);
        }

        if (key.KeySpec != KmsKeyInfo.SymmetricDefault)
        {
            return (CheckResult.Unmet(Type, "KeyNotSymmetric", $"KMS key {key.Arn} has KeySpec {key.KeySpec}: session data is encrypted with data keys, which only a symmetric encryption key (KeySpec SYMMETRIC_DEFAULT) can make. Use a customer-managed key with KeySpec SYMMETRIC_DEFAULT and KeyUsage ENCRYPT_DECRYPT; {held}.", SettingGroup.Kms), null);
        }

        if (key.KeyUsage != KmsKeyInfo.EncryptDecrypt)
        {
            return (CheckResult.Unmet(Type, "KeyUsageNotEncryptDecrypt", $"KMS key {key.Arn} has KeyUsage {key.KeyUsage}: KMS refuses Decrypt and GenerateDataKey with it (InvalidKeyUsageException). Use a customer-managed key with KeySpec SYMMETRIC_DEFAULT and KeyUsage ENCRYPT_DECRYPT; {held}.", SettingGroup.Kms), null);
        }

        if (!key.Enabled)
        {
            return (CheckResult.Unmet(Type, "KeyNotEnabled", $"KMS key {key.Arn} is {key.KeyState}, not Enabled. Enable it (or cancel its deletion) or choose another key; {held}.", SettingGroup.Kms), null);
        }

        return (CheckResult.Met(Type, "CustomerManagedKey",
            $"KMS key {key.Arn} is customer-managed, symmetric (ENCRYPT_DECRYPT) and enabled; instance roles need grants (see KmsGrantsReady). Instances need SSM Agent 2.3.539.0 or later."), key);
    }
}
