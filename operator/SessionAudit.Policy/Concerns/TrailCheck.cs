using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Concerns;

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
