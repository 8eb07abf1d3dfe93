using SessionAudit.Operator.Reconciliation;
using SessionAudit.Operator.Reports;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Tests.Fakes;

/// <summary>Session reports that are always due: each refresh is counted and answers <see cref="Answer"/>.</summary>
internal sealed class FakeReports : IPolicyReports
{
    public PolicyReports.Refresh Answer { get; set; } = new(new ReportSummary { Total = 7 }, TimeSpan.FromMinutes(1), []);

    public List<string> Refreshed { get; } = [];

    public List<string> Forgotten { get; } = [];

    public Task<PolicyReports.Refresh> RefreshIfDueAsync(SessionLoggingPolicy policy, SessionAudit.Policy.Accounts.AccountBinding account, ReportSummary? previous, CancellationToken ct)
    {
        Refreshed.Add(policy.Metadata.Name);
        return Task.FromResult(Answer);
    }

    public void Forget(string policy) => Forgotten.Add(policy);
}
