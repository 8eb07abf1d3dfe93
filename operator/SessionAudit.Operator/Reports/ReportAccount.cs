using SessionAudit.Aws;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Operator.Reports;

/// <summary>The account a report's sessions are from: the scope's caller identity (STS GetCallerIdentity, asked once per
/// scope and allowed to every identity); null when it cannot be read, so a report is never lost for want of its label.</summary>
internal static class ReportAccount
{
    public static async Task<string?> OfAsync(AwsScopeFactory aws, AwsScope scope, CancellationToken ct)
    {
        try
        {
            return await aws.For(scope).Identity.GetAccountIdAsync(ct);
        }
        catch (AwsFailure)
        {
            return null;
        }
    }
}
