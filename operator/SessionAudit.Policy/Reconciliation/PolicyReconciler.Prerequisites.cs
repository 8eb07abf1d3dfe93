using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>Prerequisite checks (S2-S6): each failed check holds its settings group at its current value in AWS.</summary>
public sealed partial class PolicyReconciler
{
    private static async Task CheckBucketAsync(ReconcileContext ctx, CancellationToken ct)
    {
        const string type = ConditionTypes.S3Ready;
        if (ctx.Spec.S3?.BucketName is not { } bucket)
        {
            ctx.Conditions.Set(type, true, "NotConfigured", "spec.s3.bucketName is not set: the preferences name no bucket.");
            return;
        }

        BucketInfo? info;
        try
        {
            info = await ctx.Aws.Buckets.DescribeAsync(bucket, ct).ConfigureAwait(false);
        }
        catch (AwsFailure f)
        {
            ctx.Failed(type, f, $"Reading bucket {bucket} (s3:ListBucket, s3:GetEncryptionConfiguration)");
            Hold(ctx, SettingGroup.S3, $"S3 settings held: bucket {bucket} could not be read");
            return;
        }

        var held = "the S3 settings of the preferences document are left as they are until this is fixed";
        if (info is null)
        {
            Prerequisite(ctx, type, "BucketNotFound", $"Bucket {bucket} does not exist (or is not visible to the operator). Create it or correct spec.s3.bucketName; {held}.", SettingGroup.S3);
        }
        else if ((ctx.Spec.S3.EncryptionRequired ?? true) && !info.DefaultEncryption)
        {
            Prerequisite(ctx, type, "BucketNotEncrypted", $"Bucket {bucket} has no default encryption, but spec.s3.encryptionRequired is true. Turn on default encryption (SSE-S3 AES-256 or SSE-KMS) or set encryptionRequired: false; {held}.", SettingGroup.S3);
        }
        else if (bucket.Contains('.', StringComparison.Ordinal))
        {
            var message = $"Bucket {bucket} is ready, but its name contains dots: virtual-hosted-style HTTPS to it fails certificate checks. Prefer a bucket name without dots.";
            ctx.Conditions.Set(type, true, "BucketNameHasDots", message);
            ctx.Notes.Add(message);
            ctx.Events.Add(PolicyEvent.Warning("BucketNameHasDots", message));
        }
        else
        {
            ctx.Conditions.Set(type, true, "BucketReady", info.DefaultEncryption
                ? $"Bucket {bucket} exists and has default encryption ({info.SseAlgorithm ?? "enabled"})."
                : $"Bucket {bucket} exists (encryption not required).");
        }
    }

    private static async Task CheckLogGroupAsync(ReconcileContext ctx, CancellationToken ct)
    {
        const string type = ConditionTypes.CloudWatchReady;
        if (ctx.Spec.CloudWatch?.LogGroupName is not { } group)
        {
            ctx.Conditions.Set(type, true, "NotConfigured", "spec.cloudWatch.logGroupName is not set: the preferences name no log group.");
            return;
        }

        LogGroupInfo? info;
        try
        {
            info = await ctx.Aws.LogGroups.DescribeAsync(group, ct).ConfigureAwait(false);
        }
        catch (AwsFailure f)
        {
            ctx.Failed(type, f, $"Reading log group {group} (logs:DescribeLogGroups)");
            Hold(ctx, SettingGroup.CloudWatch, $"CloudWatch settings held: log group {group} could not be read");
            return;
        }

        var held = "the CloudWatch settings of the preferences document are left as they are until this is fixed";
        if (info is null)
        {
            Prerequisite(ctx, type, "LogGroupNotFound", $"Log group {group} does not exist. Create it or correct spec.cloudWatch.logGroupName; {held}.", SettingGroup.CloudWatch);
        }
        else if ((ctx.Spec.CloudWatch.EncryptionRequired ?? true) && string.IsNullOrEmpty(info.KmsKeyId))
        {
            Prerequisite(ctx, type, "LogGroupNotEncrypted", $"Log group {group} is not encrypted with a KMS key, but spec.cloudWatch.encryptionRequired is true (sessions would fail: \"encryption is not set up on the selected CloudWatch Logs log group\"). Associate a KMS key with the group (logs:AssociateKmsKey) or set encryptionRequired: false; {held}.", SettingGroup.CloudWatch);
        }
        else
        {
            ctx.Conditions.Set(type, true, "LogGroupReady", string.IsNullOrEmpty(info.KmsKeyId)
                ? $"Log group {group} exists (encryption not required)."
                : $"Log group {group} exists and is encrypted with {info.KmsKeyId}.");
        }
    }

    private static async Task CheckKeyAsync(ReconcileContext ctx, CancellationToken ct)
    {
        const string type = ConditionTypes.EncryptionReady;
        if (ctx.Spec.Kms is not { } kms)
        {
            ctx.Conditions.Set(type, true, "NotConfigured", "spec.kms is not set: session data is not encrypted with a KMS key of yours.");
            return;
        }

        KmsKeyInfo? key;
        try
        {
            key = await ctx.Aws.Keys.DescribeAsync(kms.KeyId, ct).ConfigureAwait(false);
        }
        catch (AwsFailure f)
        {
            ctx.Failed(type, f, $"Describing KMS key {kms.KeyId} (kms:DescribeKey)");
            Hold(ctx, SettingGroup.Kms, $"kmsKeyId held: key {kms.KeyId} could not be read");
            return;
        }

        var held = "kmsKeyId in the preferences document is left as it is until this is fixed";
        if (key is null)
        {
            Prerequisite(ctx, type, "KeyNotFound", $"KMS key {kms.KeyId} does not exist in {ctx.Spec.Region}. Create it or correct spec.kms.keyId; {held}.", SettingGroup.Kms);
        }
        else if (!key.Enabled)
        {
            Prerequisite(ctx, type, "KeyNotEnabled", $"KMS key {key.Arn} is {key.KeyState}, not Enabled. Enable it (or cancel its deletion) or choose another key; {held}.", SettingGroup.Kms);
        }
        else
        {
            ctx.Key = key;
            ctx.Conditions.Set(type, true, key.KeyManager == KmsKeyManager.Customer ? "CustomerManagedKey" : "AwsManagedKey",
                key.KeyManager == KmsKeyManager.Customer
                    ? $"KMS key {key.Arn} is customer-managed and enabled; instance roles need grants (see KmsGrantsReady). Instances need SSM Agent 2.3.539.0 or later."
                    : $"KMS key {key.Arn} is AWS-managed and enabled; instance roles need no grants. Instances need SSM Agent 2.3.539.0 or later.");
        }
    }

    private static async Task CheckTrailAsync(ReconcileContext ctx, CancellationToken ct)
    {
        const string type = ConditionTypes.AuditTrailReady;
        // Trails are shared by every policy of an account and region and change rarely: a "logging" answer may be reused
        // for half a drift interval, so a trail that stops logging shows within 1.5 driftCheckIntervals (one without reuse).
        var maxAge = TrailAnswerMaxAge(ctx.Spec);
        AuditTrailInfo trail;
        try
        {
            trail = await ctx.Aws.Trails.GetAuditTrailAsync(maxAge, ct).ConfigureAwait(false);
        }
        catch (AwsFailure f)
        {
            ctx.Failed(type, f, $"Looking for a logging CloudTrail trail in {ctx.Spec.Region} (cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus)");
            return;
        }

        ctx.Trail = trail;
        if (trail.Logging)
        {
            ctx.Conditions.Set(type, true, "TrailLogging", $"Trail {trail.TrailArn} is logging in {ctx.Spec.Region}: StartSession, ResumeSession and TerminateSession calls are recorded{(ctx.Spec.Alerts is null ? "" : " and reach the alert rule")}. (A logging trail is re-checked at least every {Durations.Format(maxAge)} per account and region.)");
            return;
        }

        var message = ctx.Spec.Alerts is null
            ? $"No CloudTrail trail is logging in {ctx.Spec.Region}: session API calls are not recorded. Create a trail (or start logging on one) to audit StartSession, ResumeSession and TerminateSession."
            : $"No CloudTrail trail is logging in {ctx.Spec.Region}: the alert rule is configured but will not fire, because EventBridge only sees \"AWS API Call via CloudTrail\" events a trail records. Create a trail or start logging on one.";
        ctx.Conditions.Set(type, false, "NoLoggingTrail", message);
        ctx.Events.Add(PolicyEvent.Warning("NoLoggingTrail", message));
        ctx.Notes.Add(message);
    }

    /// <summary>How old a reused "trail is logging" answer may be: half the policy's drift interval, in whole seconds
    /// (so the condition message, which prints whole seconds, states the bound exactly).</summary>
    internal static TimeSpan TrailAnswerMaxAge(SessionLoggingPolicySpec spec) =>
        TimeSpan.FromSeconds(Math.Floor(DriftInterval(spec).TotalSeconds / 2));

    private static void Prerequisite(ReconcileContext ctx, string type, string reason, string message, SettingGroup group)
    {
        ctx.Conditions.Set(type, false, reason, message);
        ctx.Events.Add(PolicyEvent.Warning(reason, message));
        ctx.Waiting = true;
        Hold(ctx, group, message);
    }

    private static void Hold(ReconcileContext ctx, SettingGroup group, string why)
    {
        ctx.Held.Add(group);
        ctx.Notes.Add(why);
    }
}
