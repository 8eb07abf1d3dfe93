using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Policy.Reports;

/// <summary>What a new report summary says about the policy: the LogsDelivered condition, Ready when the spec asks that
/// missing logs block it (spec.report.requireDelivery), and a Warning when more logs are missing than before. Pure.</summary>
public static class ReportConditions
{
    /// <summary>Reason of LogsDelivered=False (and of Ready=False under requireDelivery).</summary>
    public const string LogsMissing = "LogsMissing";

    /// <summary>The status with LogsDelivered set from <paramref name="status"/>'s report summary, and the events to record.</summary>
    public static (SessionLoggingPolicyStatus Status, IReadOnlyList<PolicyEvent> Events) Apply(
        SessionLoggingPolicyStatus status, SessionLoggingPolicySpec spec, ReportSummary? previous, long generation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Report is not { } report || status.Report is not { } summary)
        {
            return (status, []);
        }

        var c = new ConditionSet(status.Conditions, generation, now);
        var window = summary.Window is { } w ? $" ({w.Days} days to {w.To:yyyy-MM-dd HH:mm}Z)" : "";
        string? missing = null;
        if (summary.MissingLogs == 0)
        {
            c.Set(ConditionTypes.LogsDelivered, true, "AllLogsDelivered", $"No ended session of the last report{window} that should be logged is missing its log. Sessions whose log could not be checked, or that ended less than spec.report.logGraceMinutes before it, are not counted: the report shows them with logDelivered null.");
        }
        else
        {
            missing = $"{summary.MissingLogs} ended session{(summary.MissingLogs == 1 ? "" : "s")} of the last report{window} {(summary.MissingLogs == 1 ? "has" : "have")} no log where the preferences send it: the report (session-audit report, or the reports listener's /reports/<policy>.html) names each and why";
            c.Set(ConditionTypes.LogsDelivered, false, LogsMissing, missing + ".");
        }

        if (report.RequireDelivery && missing is not null && c.Get(ConditionTypes.Ready) is null
            && status.Conditions?.FirstOrDefault(x => x.Type == ConditionTypes.Ready) is { Status: "True" })
        {
            c.Set(ConditionTypes.Ready, false, LogsMissing, $"{ConditionTypes.LogsDelivered}: {missing} (spec.report.requireDelivery).");
        }

        var events = missing is not null && summary.MissingLogs > (previous?.MissingLogs ?? 0)
            ? new[] { PolicyEvent.Warning(LogsMissing, missing + ".") }
            : [];
        return (status with { Conditions = c.ToList() }, events);
    }

    /// <summary>True when the spec makes a False LogsDelivered (from the last report) hold Ready.</summary>
    public static bool Blocks(SessionLoggingPolicySpec spec, IReadOnlyList<Condition>? previous) =>
        spec.Report?.RequireDelivery == true
        && previous?.FirstOrDefault(x => x.Type == ConditionTypes.LogsDelivered) is { Status: "False" };
}
