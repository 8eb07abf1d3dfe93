using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>CloudWatch Logs group for session logs (S3): exists, and is KMS-encrypted when required.</summary>
internal static class LogGroupCheck
{
    private const string Type = ConditionTypes.CloudWatchReady;

    public static async Task<Observed<LogGroupInfo>?> ObserveAsync(ILogGroupPort groups, PolicyFacts policy, CancellationToken ct) =>
        policy.Spec.CloudWatch?.LogGroupName is { } group
            ? await Observed<LogGroupInfo>.ReadAsync(() => groups.DescribeAsync(group, ct)).ConfigureAwait(false)
            : null;

    public static CheckResult Diff(PolicyFacts policy, Observed<LogGroupInfo>? observed)
    {
        if (policy.Spec.CloudWatch?.LogGroupName is not { } group || observed is not { } o)
        {
            return CheckResult.Met(Type, "NotConfigured", "spec.cloudWatch.logGroupName is not set: the preferences name no log group.");
        }

        if (o.Failure is { } f)
        {
            return CheckResult.Unreadable(Type, f, $"Reading log group {group} (logs:DescribeLogGroups)", policy.RoleArn,
                SettingGroup.CloudWatch, $"CloudWatch settings held: log group {group} could not be read");
        }

        var held = "the CloudWatch settings of the preferences document are left as they are until this is fixed";
        var info = o.Value;
        if (info is null)
        {
            return CheckResult.Unmet(Type, "LogGroupNotFound", $"Log group {group} does not exist. Create it or correct spec.cloudWatch.logGroupName; {held}.", SettingGroup.CloudWatch);
        }

        if ((policy.Spec.CloudWatch.EncryptionRequired ?? true) && string.IsNullOrEmpty(info.KmsKeyId))
        {
            return CheckResult.Unmet(Type, "LogGroupNotEncrypted", $"Log group {group} is not encrypted with a KMS key, but spec.cloudWatch.encryptionRequired is true (sessions would fail: \"encryption is not set up on the selected CloudWatch Logs log group\"). Associate a KMS key with the group (logs:AssociateKmsKey) or set encryptionRequired: false; {held}.", SettingGroup.CloudWatch);
        }

        return CheckResult.Met(Type, "LogGroupReady", string.IsNullOrEmpty(info.KmsKeyId)
            ? $"Log group {group} exists (encryption not required)."
            : $"Log group {group} exists and is encrypted with {info.KmsKeyId}.");
    }
}
