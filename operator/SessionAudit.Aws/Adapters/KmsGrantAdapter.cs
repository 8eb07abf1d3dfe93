using Amazon.KeyManagementService.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>KMS grants: ListGrants (paged by Marker), CreateGrant, RevokeGrant.</summary>
internal sealed class KmsGrantAdapter(AwsClients clients) : IKmsGrantPort
{
    public async Task<IReadOnlyList<KmsGrant>> ListAsync(string keyArn, CancellationToken cancellationToken)
    {
        var grants = new List<KmsGrant>();
        string? marker = null;
        do
        {
            var request = new ListGrantsRequest { KeyId = keyArn, Limit = 100, Marker = marker };
            var page = await clients.RunAsync(AwsService.Kms, "ListGrants",
                ct => clients.Kms.ListGrantsAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var g in page.Grants ?? [])
            {
                grants.Add(new KmsGrant(g.GrantId, string.IsNullOrEmpty(g.Name) ? null : g.Name, g.GranteePrincipal ?? "", g.Operations?.ToArray() ?? []));
            }
            marker = page.Truncated == true && !string.IsNullOrEmpty(page.NextMarker) && page.NextMarker != marker ? page.NextMarker : null;
        }
        while (marker is not null);
        return grants;
    }

    public async Task<string> CreateAsync(string keyArn, string granteePrincipal, IReadOnlyList<string> operations, string name, CancellationToken cancellationToken)
    {
        var request = new CreateGrantRequest
        {
            KeyId = keyArn,
            GranteePrincipal = granteePrincipal,
            Operations = [.. operations],
            Name = name,
        };
        var response = await clients.RunAsync(AwsService.Kms, "CreateGrant",
            ct => clients.Kms.CreateGrantAsync(request, ct), cancellationToken).ConfigureAwait(false);
        return response.GrantId;
    }

    public async Task RetireAsync(string keyArn, string grantId, CancellationToken cancellationToken)
    {
        try
        {
            await clients.RunAsync(AwsService.Kms, "RevokeGrant",
                ct => clients.Kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = keyArn, GrantId = grantId }, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound || f.Code == "InvalidGrantIdException")
        {
            // Already gone: the desired state holds.
        }
    }
}
