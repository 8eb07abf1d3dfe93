using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

/// <summary>The verdict of a prerequisite check: its report and, when it failed, the setting group it holds at its
/// current value in AWS (the preferences document leaves that group alone until the check passes).</summary>
internal sealed record CheckResult(ConcernReport Report, SettingGroup? Held)
{
    /// <summary>A check that failed on a prerequisite the user must create or fix: condition, Warning, wait, hold.</summary>
    public static CheckResult Unmet(string type, string reason, string message, SettingGroup group)
    {
        var report = new ConcernReport(type);
        report.Set(false, reason, message);
        report.Warn(reason, message);
        report.Waiting = true;
        report.Notes.Add(message);
        return new CheckResult(report, group);
    }

    /// <summary>A check whose read failed: the failure's condition, and the group held.</summary>
    public static CheckResult Unreadable(string type, AwsFailure failure, string what, string? roleArn, SettingGroup group, string why)
    {
        var report = new ConcernReport(type);
        report.Failed(failure, what, roleArn);
        report.Notes.Add(why);
        return new CheckResult(report, group);
    }

    /// <summary>A check that passed (or has nothing to check).</summary>
    public static CheckResult Met(string type, string reason, string message)
    {
        var report = new ConcernReport(type);
        report.Set(true, reason, message);
        return new CheckResult(report, null);
    }
}

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
            return CheckResult.Unreadable(Type, f, $"Reading log group {group} (logs:DescribeLogGroups)", policy.Spec.RoleArn,
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

/// <summary>CloudTrail (S7): a trail logging in the region, without which session calls are not recorded and alert
/// rules never fire. Its answer is passed on, as a value, to the alert rule concern.</summary>
internal static class TrailCheck
{
    private const string Type = ConditionTypes.AuditTrailReady;

    public static Task<Observed<AuditTrailInfo>> ObserveAsync(ICloudTrailPort trails, PolicyFacts policy, CancellationToken ct) =>
        Observed<AuditTrailInfo>.ReadAsync(() => trails.GetAuditTrailAsync(AnswerMaxAge(policy.Spec), ct)!);

    /// <summary>How old a reused "trail is logging" answer may be: half the policy's drift interval, in whole seconds
    /// (so the condition message, which prints whole seconds, states the bound exactly). Trails are shared by every
    /// policy of an account and region and change rarely, so a trail that stops logging shows within 1.5 drift intervals.</summary>
    public static TimeSpan AnswerMaxAge(Model.SessionLoggingPolicySpec spec) =>
        TimeSpan.FromSeconds(Math.Floor(Reconciliation.PolicyReconciler.DriftInterval(spec).TotalSeconds / 2));

    /// <summary>The verdict (never a held group: the trail gates alerts, not the preferences), and the trail when read.</summary>
    public static (ConcernReport Report, AuditTrailInfo? Trail) Diff(PolicyFacts policy, Observed<AuditTrailInfo> observed)
    {
        var report = new ConcernReport(Type);
        var region = policy.Spec.Region;
        if (observed.Failure is { } f)
        {
            report.Failed(f, $"Looking for a logging CloudTrail trail in {region} (cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus)", policy.Spec.RoleArn);
            return (report, null);
        }

        var trail = observed.Value!;
        var alerts = policy.Spec.Alerts is not null;
        if (trail.Logging)
        {
            report.Set(true, "TrailLogging", $"Trail {trail.TrailArn} is logging in {region}: StartSession, ResumeSession and TerminateSession calls are recorded{(alerts ? " and reach the alert rule" : "")}. (A logging trail is re-checked at least every {Model.Durations.Format(AnswerMaxAge(policy.Spec))} per account and region.)");
            return (report, trail);
        }

        var message = !alerts
            ? $"No CloudTrail trail is logging in {region}: session API calls are not recorded. Create a trail (or start logging on one) to audit StartSession, ResumeSession and TerminateSession."
            : $"No CloudTrail trail is logging in {region}: the alert rule is configured but will not fire, because EventBridge only sees \"AWS API Call via CloudTrail\" events a trail records. Create a trail or start logging on one.";
        report.Set(false, "NoLoggingTrail", message);
        report.Warn("NoLoggingTrail", message);
        report.Notes.Add(message);
        return (report, trail);
    }
}
