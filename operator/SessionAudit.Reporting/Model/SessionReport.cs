using SessionAudit.Reporting.Readiness;

namespace SessionAudit.Reporting.Model;

/// <summary>A finished report: the summary, the aggregates the renderers draw, node readiness, and the rows kept in memory.</summary>
/// <param name="SessionsPerDay">Every UTC day of the window, oldest first, zeros included.</param>
/// <param name="UnloggedByReason">Unlogged session counts per reason (reasons with no session left out).</param>
/// <param name="Rows">Up to <see cref="ReportOptions.MaxRetainedRows"/> rows, newest start first.</param>
/// <param name="UnloggedRows">Up to <see cref="ReportOptions.MaxRetainedRows"/> unlogged rows, newest start first.</param>
public sealed record SessionReport(
    ReportSummary Summary,
    IReadOnlyList<DayCount> SessionsPerDay,
    IReadOnlyList<NameCount> TopTargets,
    IReadOnlyList<NameCount> TopOwners,
    IReadOnlyDictionary<NotLoggedReason, int> UnloggedByReason,
    IReadOnlyList<InstanceReadiness> Instances,
    IReadOnlyList<SessionRow> Rows,
    IReadOnlyList<SessionRow> UnloggedRows)
{
    /// <summary>The AWS account the sessions are from; null when not known.</summary>
    public string? Account { get; init; }

    /// <summary>The AWS region the sessions are from; null when not known.</summary>
    public string? Region { get; init; }

    /// <summary>True when every row of the report is in <see cref="Rows"/>.</summary>
    public bool AllRowsRetained => Rows.Count == Summary.Total;

    /// <summary>True when every unlogged row of the report is in <see cref="UnloggedRows"/>.</summary>
    public bool AllUnloggedRowsRetained => UnloggedRows.Count == Summary.Unlogged;
}
