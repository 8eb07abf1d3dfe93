using PolicySummary = SessionAudit.Policy.Model.ReportSummary;
using PolicyWindow = SessionAudit.Policy.Model.ReportWindow;
using ReportSummary = SessionAudit.Reporting.Model.ReportSummary;

namespace SessionAudit.Operator.Reports;

/// <summary>
/// A report's summary as the policy's status carries it. The two domains keep their own summary types and import
/// neither each other nor anything of ours, so the one translation between them lives here, where both are seen.
/// </summary>
internal static class ReportStatus
{
    /// <summary>The status summary of <paramref name="summary"/>: the same window, counts and time, counts as the
    /// status's integers, statuses keyed ordinally.</summary>
    public static PolicySummary From(ReportSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new PolicySummary
        {
            Window = new PolicyWindow { From = summary.Window.Start, To = summary.Window.End, Days = summary.Window.Days },
            Total = summary.Total,
            ByStatus = summary.ByStatus.ToDictionary(kv => kv.Key, kv => (long)kv.Value, StringComparer.Ordinal),
            DistinctTargets = summary.DistinctTargets,
            DistinctOwners = summary.DistinctOwners,
            Unlogged = summary.Unlogged,
            MissingLogs = summary.MissingLogs,
            ReadinessWarnings = summary.ReadinessWarnings,
            LastReportTime = summary.LastReportTime,
        };
    }
}
