using SessionAudit.Kubernetes.Informer;
using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Accounts;

/// <summary>Reads a Secret's data key in a namespace: null when the Secret or the key does not exist.</summary>
internal delegate Task<string?> SecretReader(string ns, string name, string key, CancellationToken ct);

/// <summary>
/// The accounts a policy may act in, as cluster admins declared them: the AwsAccounts in the informer's cache and, for
/// one naming its external id by Secret, that Secret (in the operator's namespace, read when a reconcile needs it:
/// the operator's RBAC gets one namespace's Secrets, not the cluster's).
/// </summary>
internal sealed class AccountSource(IResourceCache<AwsAccountResource> cache, SecretReader secrets, string secretNamespace)
{
    /// <summary>The namespace external-id Secrets are read from.</summary>
    public string SecretNamespace { get; } = secretNamespace;

    /// <summary>Every readable AwsAccount, sorted by name.</summary>
    public IReadOnlyList<AwsAccount> Accounts()
    {
        var list = new List<AwsAccount>();
        foreach (var obj in cache.List())
        {
            if (obj.TryToDomain(out var account, out _))
            {
                list.Add(account!);
            }
        }

        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>Where <paramref name="spec"/> acts: its binding with the external id read, or why it cannot act.</summary>
    public async Task<AccountContext> ResolveAsync(SessionLoggingPolicySpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var accounts = Accounts();
        if (spec.AccountRef is { } reference
            && cache.List().FirstOrDefault(o => o.Metadata.Name == reference.Name) is { } named
            && !named.TryToDomain(out _, out var unreadable))
        {
            return new AccountContext(null, $"AwsAccount {reference.Name} cannot be read: {unreadable}", accounts);
        }

        var resolution = AccountDirectory.Resolve(spec, accounts);
        if (resolution.Account?.Spec.ExternalIdSecretRef is not { } secretRef)
        {
            return AccountContext.Resolve(spec, accounts);
        }

        var where = $"Secret {SecretNamespace}/{secretRef.Name}";
        string? externalId;
        try
        {
            externalId = await secrets(SecretNamespace, secretRef.Name, secretRef.Key, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or Kubernetes.Api.KubernetesApiException)
        {
            return new AccountContext(null, $"the external id of AwsAccount {resolution.Account.Name} could not be read from {where}: {e.Message}", accounts);
        }

        if (string.IsNullOrEmpty(externalId))
        {
            return new AccountContext(null, $"AwsAccount {resolution.Account.Name} takes its external id from key {secretRef.Key} of {where}, which does not exist", accounts);
        }

        return AccountContext.Resolve(spec, accounts, externalId.Trim());
    }
}
