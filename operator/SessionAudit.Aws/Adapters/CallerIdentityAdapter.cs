using Amazon.SecurityToken.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>STS GetCallerIdentity, asked once per role (or the operator's own credentials) and region: the account behind
/// a role does not change, whichever of its sessions asks (<see cref="AwsClients.Facts"/>).</summary>
internal sealed class CallerIdentityAdapter(AwsClients clients) : ICallerIdentityPort
{
    public async Task<string> GetAccountIdAsync(CancellationToken cancellationToken)
    {
        if (clients.Facts.AccountId is { } cached)
        {
            return cached;
        }
        var response = await clients.RunAsync(AwsService.Sts, "GetCallerIdentity",
            ct => clients.Sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), ct), cancellationToken).ConfigureAwait(false);
        clients.Facts.AccountId = response.Account;
        return response.Account;
    }
}
