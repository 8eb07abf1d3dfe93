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
            report.Failed(f, $"Looking for a logging CloudTrail trail in {region} (cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus, cloudtrail:GetEventSelectors)", policy.RoleArn);
            return (report, null);
        }

        var trail = observed.Value!;
        var alerts = policy.Spec.Alerts is not null;
        if (trail.Logging)
        {
            var kind = trail.Trails.LastOrDefault(t => t.TrailArn == trail.TrailArn) switch
            {
                { Organization: true } t => $"organization trail {trail.TrailArn} (of account {t.Account})",
                { MultiRegion: true, HomeRegion: { } home } when home != region => $"multi-region trail {trail.TrailArn} (home region {home})",
                _ => $"trail {trail.TrailArn}",
            };
            report.Set(true, "TrailLogging", $"The {kind} is logging in {region} and its event selectors record write management events from {TrailSelectors.SessionEventSource}: StartSession, ResumeSession and TerminateSession calls are recorded{(alerts ? " and reach the alert rule" : "")}. (A logging trail is re-checked at least every {Model.Durations.Format(AnswerMaxAge(policy.Spec))} per account and region.)");
            return (report, trail);
        }

        var consequence = alerts
            ? "the alert rule is configured but will not fire, because EventBridge only sees \"AWS API Call via CloudTrail\" events a trail records"
            : "session API calls are not recorded";

        // A trail that logs but selects no session calls: the user must change its selectors, and the message says which.
        if (trail.Trails.FirstOrDefault(t => t.Logging == true && t.Selectors?.MissingSessionCalls() is not null) is { } skipping)
        {
            return (Unmet(report, "TrailSkipsSessionCalls",
                $"Trail {skipping.TrailArn} is logging in {region}, but {skipping.Selectors!.MissingSessionCalls()}: StartSession, ResumeSession and TerminateSession are write management events from {TrailSelectors.SessionEventSource}. Change its event selectors (the command replaces them all): {skipping.Selectors.FixCommand(skipping.TrailArn, skipping.HomeRegion)}. Until then {consequence}."), trail);
        }

        // A trail that could not be read: the operator cannot promise anything about it.
        var unread = trail.Trails.Where(t => t.Failure is not null).ToList();
        if (unread.FirstOrDefault(t => !OfAnotherAccount(t, policy)) is { } own)
        {
            report.Failed(own.Failure!, $"Reading trail {own.TrailArn} ({PermissionOf(own.FailedRead)}; no other trail was found recording session calls in {region})", policy.RoleArn);
            return (report, trail);
        }

        if (unread.Count > 0)
        {
            var names = string.Join(", ", unread.Select(t => $"{(t.Organization ? "organization trail" : "trail")} {t.TrailArn} ({t.FailedRead}: {t.Failure!.Code ?? t.Failure.Kind.ToString()})"));
            var message = $"No trail of this account records session calls in {region}. Another account's {names} covers it, but its status and event selectors can only be read in the account that owns it, so the operator cannot verify that it logs write management events from {TrailSelectors.SessionEventSource}. Create a trail in this account, or check that trail in its own account; until it is verified, {consequence} as far as the operator can tell.";
            report.Set(null, "TrailNotVerifiable", message);
            report.Warn("TrailNotVerifiable", message);
            report.Notes.Add(message);
            return (report, trail);
        }

        return (Unmet(report, "NoLoggingTrail", !alerts
            ? $"No CloudTrail trail is logging in {region}: session API calls are not recorded. Create a trail (or start logging on one) to audit StartSession, ResumeSession and TerminateSession."
            : $"No CloudTrail trail is logging in {region}: the alert rule is configured but will not fire, because EventBridge only sees \"AWS API Call via CloudTrail\" events a trail records. Create a trail or start logging on one."), trail);
    }

    private static ConcernReport Unmet(ConcernReport report, string reason, string message)
    {
        report.Set(false, reason, message);
        report.Warn(reason, message);
        report.Notes.Add(message);
        return report;
    }

    // Another account's ARN: an organization trail seen from a member account. The spec's role names the account when set.
    private static bool OfAnotherAccount(TrailReading t, PolicyFacts policy) =>
        t.Failure?.Code == "CloudTrailARNInvalidException"
        || (t.Organization && t.Failure?.Kind == AwsFailureKind.NotFound)
        || (t.Account is { } a && policy.Account.RoleAccount is { } mine && a != mine);

    private static string PermissionOf(string? read) => read is null ? "cloudtrail:GetTrailStatus" : "cloudtrail:" + read;
}
