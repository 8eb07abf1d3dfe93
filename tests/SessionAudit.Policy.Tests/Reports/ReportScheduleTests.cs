using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reports;
using Xunit;

namespace SessionAudit.Policy.Tests.Reports;

/// <summary>When a policy's session report is refreshed: on its interval, and at once when its status, lookback or stored copy says so.</summary>
public sealed class ReportScheduleTests
{
    private static readonly DateTimeOffset LastReport = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static ReportSpec Spec(string interval = "15m", int lookbackDays = 30) => new() { Interval = interval, LookbackDays = lookbackDays };

    private static ReportSummary Previous(int days = 30, DateTimeOffset? at = null) => new()
    {
        Window = new ReportWindow { From = LastReport.AddDays(-days), To = LastReport, Days = days },
        Total = 12,
        LastReportTime = at ?? LastReport,
    };

    [Fact]
    public void Within_the_interval_the_next_refresh_is_due_when_the_interval_ends()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), ReportSchedule.DueIn(Spec("15m"), Previous(), hasStoredCopy: true, LastReport.AddMinutes(5)));
    }

    [Fact]
    public void At_and_after_the_end_of_the_interval_a_refresh_is_due_now()
    {
        Assert.Equal(TimeSpan.Zero, ReportSchedule.DueIn(Spec("15m"), Previous(), hasStoredCopy: true, LastReport.AddMinutes(15)));
        Assert.Equal(TimeSpan.Zero, ReportSchedule.DueIn(Spec("15m"), Previous(), hasStoredCopy: true, LastReport.AddHours(3)));
    }

    [Fact]
    public void A_status_without_a_report_is_refreshed_at_once()
    {
        Assert.Equal(TimeSpan.Zero, ReportSchedule.DueIn(Spec(), previous: null, hasStoredCopy: true, LastReport));
        Assert.Equal(TimeSpan.Zero, ReportSchedule.DueIn(Spec(), Previous() with { LastReportTime = null }, hasStoredCopy: true, LastReport));
    }

    [Fact]
    public void A_changed_lookback_is_refreshed_at_once_though_the_interval_has_not_passed()
    {
        Assert.Equal(TimeSpan.Zero, ReportSchedule.DueIn(Spec(lookbackDays: 7), Previous(days: 30), hasStoredCopy: true, LastReport.AddMinutes(1)));
        Assert.Equal(TimeSpan.Zero, ReportSchedule.DueIn(Spec(lookbackDays: 7), Previous() with { Window = null }, hasStoredCopy: true, LastReport.AddMinutes(1)));
    }

    [Fact]
    public void A_missing_stored_copy_is_refreshed_at_once_so_the_endpoint_has_a_page_after_a_restart()
    {
        Assert.Equal(TimeSpan.Zero, ReportSchedule.DueIn(Spec(), Previous(), hasStoredCopy: false, LastReport.AddMinutes(1)));
    }

    [Theory]
    [InlineData("15m", 15)]
    [InlineData("2h", 120)]
    [InlineData("", 60)]
    [InlineData("soon", 60)]
    [InlineData("0s", 60)]
    public void The_interval_is_the_specs_or_an_hour_when_it_names_none_that_parses(string interval, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), ReportSchedule.Interval(Spec(interval)));
    }

    [Fact]
    public void A_passing_failure_is_retried_in_a_minute_and_a_lasting_one_on_the_interval()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), ReportSchedule.RetryIn(Spec("2h"), transient: true));
        Assert.Equal(TimeSpan.FromHours(2), ReportSchedule.RetryIn(Spec("2h"), transient: false));
    }
}
