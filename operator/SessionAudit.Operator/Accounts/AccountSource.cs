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
internal sealed class AccountSource(IResourceCache<AwsAccountResource> cache, SecretReader secrets, string secretNamespace, TimeProvider? time = null)
{
    /// <summary>How long a Secret's value read for one reconcile is used for the next ones: many policies share an
    /// AwsAccount, and each reconcile would otherwise GET the same Secret (10,000 policies: 33 GETs/s at a 5-minute
    /// resync). A changed Secret is used within this time.</summary>
    public static readonly TimeSpan SecretTtl = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Name, string Key), (string? Value, long ReadAt)> _secrets = new();

    /// <summary>The namespace external-id Secrets are read from.</summary>
    public string SecretNamespace { get; } = secretNamespace;

    // The domain view of each cached AwsAccount, parsed once per cached object (the informer replaces an object on every
    // change and never mutates one): every reconcile reads all of them, and parsing JSON each time is work thrown away.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AwsAccountResource, Parsed> Views = new();

    private sealed record Parsed(string Name, AwsAccount? Account, string? Error);

    private static Parsed View(AwsAccountResource obj) =>
        Views.GetValue(obj, o => o.TryToDomain(out var account, out var error) ? new Parsed(o.Metadata.Name, account, null) : new Parsed(o.Metadata.Name, null, error));

    /// <summary>Every readable AwsAccount, sorted by name.</summary>
    public IReadOnlyList<AwsAccount> Accounts() => Readable(cache.List().Select(View).ToList());

    private static List<AwsAccount> Readable(IEnumerable<Parsed> views)
    {
        var list = views.Select(v => v.Account).OfType<AwsAccount>().ToList();
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>Where <paramref name="spec"/> acts: its binding with the external id read, or why it cannot act.</summary>
    public async Task<AccountContext> ResolveAsync(SessionLoggingPolicySpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var views = cache.List().Select(View).ToList();
        var accounts = Readable(views);
        if (spec.AccountRef is { } reference && views.FirstOrDefault(v => v.Name == reference.Name) is { Error: { } unreadable })
        {
            return new AccountContext(null, $"AwsAccount {reference.Name} cannot be read: {unreadable}", accounts);
        }

        // An AwsAccount that cannot be read may be the default: a policy without accountRef must not fall back to the
        // built-in guardrails (or to another default) because of it.
        if (spec.AccountRef is null && views.FirstOrDefault(v => v.Error is not null) is { } broken)
        {
            return new AccountContext(null, $"AwsAccount {broken.Name} cannot be read ({broken.Error}) and may be the default one", accounts);
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
            externalId = await ReadSecretAsync(secretRef.Name, secretRef.Key, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or Kubernetes.Api.KubernetesApiException
                                      || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new AccountContext(null, $"the external id of AwsAccount {resolution.Account.Name} could not be read from {where}: {e.Message}", accounts);
        }

        externalId = externalId?.Trim();
        if (string.IsNullOrEmpty(externalId))
        {
            return new AccountContext(null, $"AwsAccount {resolution.Account.Name} takes its external id from key {secretRef.Key} of {where}, which does not exist or is empty", accounts);
        }

        // Checked here, never echoed: STS's validation message would carry the value into conditions and events.
        if (externalId.Length is < 2 or > 1224 || !System.Text.RegularExpressions.Regex.IsMatch(externalId, Patterns.ExternalId, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            return new AccountContext(null, $"the external id in key {secretRef.Key} of {where} (AwsAccount {resolution.Account.Name}) is not 2 to 1224 of [A-Za-z0-9+=,.@:/_-]", accounts);
        }

        return AccountContext.Resolve(spec, accounts, externalId);
    }

    private async Task<string?> ReadSecretAsync(string name, string key, CancellationToken ct)
    {
        if (_secrets.TryGetValue((name, key), out var cached) && _time.GetElapsedTime(cached.ReadAt) < SecretTtl)
        {
            return cached.Value;
        }

        var value = await secrets(SecretNamespace, name, key, ct).ConfigureAwait(false);
        _secrets[(name, key)] = (value, _time.GetTimestamp());
        return value;
    }
}
