using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reports;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

/// <summary>A report's missing logs: LogsDelivered always says it; Ready only under spec.report.requireDelivery.</summary>
public sealed class ReportConditionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static async Task<Scenario> ReadyAsync(bool requireDelivery)
    {
        var s = new Scenario(spec => spec with { Report = new ReportSpec { RequireDelivery = requireDelivery } });
        await s.RunAsync();
        Assert.Equal("True", s.Condition(ConditionTypes.Ready).Status);
        return s;
    }

    private static (SessionLoggingPolicyStatus, IReadOnlyList<SessionAudit.Policy.Reconciliation.PolicyEvent>) Report(Scenario s, long missing, long? before = null) =>
        ReportConditions.Apply(s.Policy.Status! with { Report = new ReportSummary { Total = 10, MissingLogs = missing } }, s.Spec,
            before is null ? null : new ReportSummary { MissingLogs = before.Value }, s.Policy.Metadata.Generation, Now);

    [Fact]
    public async Task Missing_logs_make_LogsDelivered_False_with_a_Warning_and_leave_Ready_alone_by_default()
    {
        var s = await ReadyAsync(requireDelivery: false);

        var (status, events) = Report(s, missing: 2, before: 0);

        var delivered = status.Conditions!.Single(c => c.Type == ConditionTypes.LogsDelivered);
        Assert.Equal(("False", "LogsMissing"), (delivered.Status, delivered.Reason));
        Assert.Contains("2 ended sessions", delivered.Message, StringComparison.Ordinal);
        Assert.Equal("True", status.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Status);
        Assert.Equal("LogsMissing", Assert.Single(events).Reason);

        // The next reconcile keeps Ready: the condition does not block without requireDelivery.
        s.Policy = s.Policy with { Status = status };
        await s.RunAsync();
        Assert.Equal("True", s.Condition(ConditionTypes.Ready).Status);
        Assert.Equal("False", s.Condition(ConditionTypes.LogsDelivered).Status);
    }

    [Fact]
    public async Task Under_requireDelivery_missing_logs_hold_Ready_until_a_report_finds_them_all()
    {
        var s = await ReadyAsync(requireDelivery: true);

        var (status, _) = Report(s, missing: 1);
        var ready = status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal(("False", "LogsMissing"), (ready.Status, ready.Reason));

        // Reconciles between reports keep it held.
        s.Policy = s.Policy with { Status = status };
        await s.RunAsync();
        Assert.Equal(("False", "LogsMissing"), (s.Condition(ConditionTypes.Ready).Status, s.Condition(ConditionTypes.Ready).Reason));

        // A report that finds every log releases it at the next pass.
        var (fixedStatus, events) = Report(s, missing: 0, before: 1);
        Assert.Equal("True", fixedStatus.Conditions!.Single(c => c.Type == ConditionTypes.LogsDelivered).Status);
        Assert.Empty(events);
        s.Policy = s.Policy with { Status = fixedStatus };
        await s.RunAsync();
        Assert.Equal("True", s.Condition(ConditionTypes.Ready).Status);
    }

    [Fact]
    public async Task No_new_Warning_when_no_more_logs_are_missing_than_before()
    {
        var s = await ReadyAsync(requireDelivery: false);

        var (_, events) = Report(s, missing: 3, before: 3);

        Assert.Empty(events);
    }
}
