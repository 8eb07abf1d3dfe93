using SessionAudit.Policy.Accounts;
using SessionAudit.Operator.Reports;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Reconciliation;

/// <summary>The two things the reconciler asks of the session reports; tests of the reconciler answer them without AWS.</summary>
internal interface IPolicyReports
{
    /// <summary>Refreshes the policy's report when it is due; see <see cref="PolicyReports.RefreshIfDueAsync"/>.</summary>
    Task<PolicyReports.Refresh> RefreshIfDueAsync(SessionLoggingPolicy policy, AccountBinding account, ReportSummary? previous, CancellationToken ct);

    /// <summary>Drops what is kept of a policy's report.</summary>
    void Forget(string policy);
}

/// <summary>The operator's <see cref="PolicyReports"/> behind <see cref="IPolicyReports"/>.</summary>
internal sealed class PolicyReportsAdapter(PolicyReports reports) : IPolicyReports
{
    public Task<PolicyReports.Refresh> RefreshIfDueAsync(SessionLoggingPolicy policy, AccountBinding account, ReportSummary? previous, CancellationToken ct) =>
        reports.RefreshIfDueAsync(policy, account, previous, ct);

    public void Forget(string policy) => reports.Forget(policy);
}
