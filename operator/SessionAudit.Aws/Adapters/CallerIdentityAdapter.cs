using Amazon.SecurityToken.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>STS GetCallerIdentity, asked once per scope (the account behind a set of credentials does not change).</summary>
internal sealed class CallerIdentityAdapter(AwsClients clients) : ICallerIdentityPort
{
    private string? _account;

    public async Task<string> GetAccountIdAsync(CancellationToken cancellationToken)
    {
        if (_account is { } cached)
        {
            return cached;
        }
        var response = await clients.RunAsync(AwsService.Sts, "GetCallerIdentity",
            ct => clients.Sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), ct), cancellationToken).ConfigureAwait(false);
        return _account = response.Account;
    }
}
