namespace SessionAudit.Policy.Ports;

/// <summary>A KMS grant as ListGrants returns it.</summary>
/// <param name="GrantId">Grant id.</param>
/// <param name="Name">Grant name; null when the grant has none.</param>
/// <param name="GranteePrincipal">Grantee principal ARN.</param>
/// <param name="Operations">Granted operations, for example ["Decrypt", "GenerateDataKey"].</param>
public sealed record KmsGrant(string GrantId, string? Name, string GranteePrincipal, IReadOnlyList<string> Operations);

/// <summary>KMS grants on one key (ListGrants paged, CreateGrant, RetireGrant/RevokeGrant).</summary>
public interface IKmsGrantPort
{
    /// <summary>All grants on the key (every page).</summary>
    Task<IReadOnlyList<KmsGrant>> ListAsync(string keyArn, CancellationToken cancellationToken);

    /// <summary>CreateGrant(KeyId, GranteePrincipal, Operations, Name); returns the grant id.</summary>
    Task<string> CreateAsync(string keyArn, string granteePrincipal, IReadOnlyList<string> operations, string name, CancellationToken cancellationToken);

    /// <summary>Removes a grant: RevokeGrant(KeyId, GrantId) (the operator is a key administrator, not the retiring principal);
    /// a grant already gone is not an error.</summary>
    Task RetireAsync(string keyArn, string grantId, CancellationToken cancellationToken);
}
