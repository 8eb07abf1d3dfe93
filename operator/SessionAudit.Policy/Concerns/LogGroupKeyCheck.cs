using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>The log group's KMS key (S4): CloudWatch Logs encrypts each event with it, so a disabled or deleted key stops
/// ingestion. Its verdict refines the log group check's (CloudWatchReady). The group's key needs no grant for
/// instance roles: CloudWatch Logs, not the instance, uses it.</summary>
internal static class LogGroupKeyCheck
{
    private const string Type = ConditionTypes.CloudWatchReady;

    /// <summary>DescribeKey of the group's key, when the group was read and has one. Reads only.</summary>
    public static async Task<Observed<KmsKeyInfo>?> ObserveAsync(IKmsKeyPort keys, Observed<LogGroupInfo>? group, CancellationToken ct) =>
        group?.Value?.KmsKeyId is { Length: > 0 } keyId
            ? await Observed<KmsKeyInfo>.ReadAsync(() => keys.DescribeAsync(keyId, ct)).ConfigureAwait(false)
            : null;

    /// <summary>The log group check's verdict, unless the group's key stops ingestion.</summary>
    public static CheckResult Diff(PolicyFacts policy, CheckResult groupCheck, Observed<LogGroupInfo>? group, Observed<KmsKeyInfo>? observed)
    {
        if (policy.Spec.CloudWatch?.LogGroupName is not { } name || groupCheck.Held is not null
            || group?.Value?.KmsKeyId is not { Length: > 0 } keyId || observed is not { } o)
        {
            return groupCheck;
        }

        var held = "the CloudWatch settings of the preferences document are left as they are until this is fixed";
        if (o.Failure is { } f)
        {
            return CheckResult.Unreadable(Type, f, $"Describing key {keyId} of log group {name} (kms:DescribeKey)", policy.RoleArn,
                SettingGroup.CloudWatch, $"CloudWatch settings held: the key of log group {name} could not be read");
        }

        if (o.Value is not { } key)
        {
            return CheckResult.Unmet(Type, "LogGroupKeyNotFound", $"Log group {name} is encrypted with KMS key {keyId}, which does not exist: CloudWatch Logs cannot store session logs. Associate an existing key (logs:AssociateKmsKey); {held}.", SettingGroup.CloudWatch);
        }

        if (!key.Enabled)
        {
            return CheckResult.Unmet(Type, "LogGroupKeyNotEnabled", $"Log group {name} is encrypted with KMS key {key.Arn}, which is {key.KeyState}: CloudWatch Logs cannot store session logs. Enable the key (or cancel its deletion) or associate another one; {held}.", SettingGroup.CloudWatch);
        }

        return groupCheck;
    }
}
