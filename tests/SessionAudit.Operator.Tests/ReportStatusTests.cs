using SessionAudit.Operator.Reports;
using Xunit;
using ReportSummary = SessionAudit.Reporting.Model.ReportSummary;
using ReportWindow = SessionAudit.Reporting.Model.ReportWindow;

namespace SessionAudit.Operator.Tests;

/// <summary>The report's summary as the policy's status carries it.</summary>
public sealed class ReportStatusTests
{
    private static readonly DateTimeOffset End = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_figure_of_the_report_summary_reaches_the_status()
    {
        var summary = new ReportSummary(
            new ReportWindow(7, End.AddDays(-7), End),
            Total: 42,
            ByStatus: new Dictionary<string, int> { ["Terminated"] = 30, ["Failed"] = 2, ["Connected"] = 10 },
            DistinctTargets: 5,
            DistinctOwners: 3,
            Unlogged: 4,
            ReadinessWarnings: 1,
            LastReportTime: End.AddMinutes(1));

        var status = ReportStatus.From(summary);

        Assert.Equal((End.AddDays(-7), End, 7), (status.Window!.From, status.Window.To, status.Window.Days));
        Assert.Equal((42L, 5L, 3L, 4L, 1L), (status.Total, status.DistinctTargets, status.DistinctOwners, status.Unlogged, status.ReadinessWarnings));
        Assert.Equal(End.AddMinutes(1), status.LastReportTime);
        Assert.Equal(new Dictionary<string, long> { ["Connected"] = 10, ["Failed"] = 2, ["Terminated"] = 30 }, status.ByStatus);
    }
}
