using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Operator.Accounts;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Operator.Reconciliation;

/// <summary>
/// The policy cache's two indexes, computed once for each cached object (the informer replaces an object on every change
/// and never mutates one): what a policy manages (region and document) and the AwsAccount it names. The conflict check
/// and an AwsAccount's change then read the few policies concerned instead of every cached one: a scan of the cache per
/// reconcile made a cold start of N policies O(N^2) (at 10,000, about a quarter of the operator's CPU; docs/PERFORMANCE.md).
/// Only the index values are kept: the domain records of the few policies that share a key are built when asked for.
/// </summary>
internal static class PolicyViews
{
    /// <summary>Index of region and document: the policies that could manage the same document (the account, resolved
    /// through AwsAccounts that may change, is compared when read).</summary>
    public const string ByDocument = "sessionaudit.io/region-document";

    /// <summary>Index of the AwsAccount a policy names; the empty value for none (the default account).</summary>
    public const string ByAccountRef = "sessionaudit.io/account-ref";

    /// <summary>The indexes the policy cache is made with.</summary>
    public static IReadOnlyList<CacheIndex<SessionLoggingPolicyResource>> Indexes { get; } =
    [
        new(ByDocument, obj => Key(obj) is { } k ? [DocumentValue(k.Region, k.Document)] : []),
        new(ByAccountRef, obj => Key(obj) is { } k ? [k.AccountRef ?? ""] : []),
    ];

    /// <summary>The readable policies among <paramref name="cached"/> that manage the same account, region and document as
    /// <paramref name="policy"/>; their status is not read (null).</summary>
    public static List<SessionLoggingPolicy> SameOwnership(SessionLoggingPolicy policy, IResourceCache<SessionLoggingPolicyResource> cached, AccountContext accounts)
    {
        var key = PolicyReconciler.OwnershipKey(policy.Spec, accounts);
        var result = new List<SessionLoggingPolicy>();
        foreach (var obj in cached.ByIndex(ByDocument, DocumentValue(key.Region, key.Document)))
        {
            if (PolicyMapping.TryToDomain(obj, withStatus: false, out var other, out _) && other is { Spec: not null }
                && PolicyReconciler.OwnershipKey(other.Spec, accounts) == key)
            {
                result.Add(other);
            }
        }

        return result;
    }

    /// <summary>The policies an AwsAccount's change concerns: those naming it, and those naming none when it is marked
    /// default (or its spec cannot be read, so it may be). Called with the old and the new object of an update.</summary>
    public static IEnumerable<ResourceKey> UsersOf(AwsAccountResource account, IResourceCache<SessionLoggingPolicyResource> policies)
    {
        var asDefault = !account.TryToDomain(out var a, out _) || a!.Spec.Default;
        var users = policies.ByIndex(ByAccountRef, account.Metadata.Name ?? "");
        return (asDefault ? users.Concat(policies.ByIndex(ByAccountRef, "")) : users).Select(ResourceKey.Of);
    }

    private static string DocumentValue(string region, string document) => $"{region}/{document}";

    // Without the status: the conflict check reads the others' metadata and spec only. Null for a policy whose spec cannot
    // be read (it owns nothing). The AwsAccount's name, not the account it resolves to: AwsAccounts change without the
    // policy changing.
    private static (string? AccountRef, string Region, string Document)? Key(SessionLoggingPolicyResource obj) =>
        PolicyMapping.TryToDomain(obj, withStatus: false, out var p, out _) && p is { Spec: not null }
            ? (p.Spec.AccountRef?.Name, p.Spec.Region, p.Spec.DocumentName)
            : null;
}
