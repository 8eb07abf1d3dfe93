using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>The session encryption key (S4): exists and is enabled. Its resolved description is passed on, as a value,
/// to the grants concern.</summary>
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
            return (CheckResult.Unreadable(Type, f, $"Describing KMS key {kms.KeyId} (kms:DescribeKey)", policy.Spec.RoleArn,
                SettingGroup.Kms, $"kmsKeyId held: key {kms.KeyId} could not be read"), null);
        }

        var held = "kmsKeyId in the preferences document is left as it is until this is fixed";
        var key = o.Value;
        if (key is null)
        {
            return (CheckResult.Unmet(Type, "KeyNotFound", $"KMS key {kms.KeyId} does not exist in {policy.Spec.Region}. Create it or correct spec.kms.keyId; {held}.", SettingGroup.Kms), null);
        }

        if (!key.Enabled)
        {
            return (CheckResult.Unmet(Type, "KeyNotEnabled", $"KMS key {key.Arn} is {key.KeyState}, not Enabled. Enable it (or cancel its deletion) or choose another key; {held}.", SettingGroup.Kms), null);
        }

        var customer = key.KeyManager == KmsKeyManager.Customer;
        return (CheckResult.Met(Type, customer ? "CustomerManagedKey" : "AwsManagedKey", customer
            ? $"KMS key {key.Arn} is customer-managed and enabled; instance roles need grants (see KmsGrantsReady). Instances need SSM Agent 2.3.539.0 or later."
            : $"KMS key {key.Arn} is AWS-managed and enabled; instance roles need no grants. Instances need SSM Agent 2.3.539.0 or later."), key);
    }
}
