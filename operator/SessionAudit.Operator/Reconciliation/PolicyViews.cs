using System.Runtime.CompilerServices;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Operator.Accounts;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Operator.Reconciliation;

/// <summary>
/// The ownership key (AwsAccount name, region, document) of each cached policy, computed once per cached object. The informer
/// replaces an object on every change and never mutates one, so a key stays right for as long as its object is cached,
/// and goes with it. Without this every reconcile deserialised every other policy's spec and status to look for
/// conflicts: O(N) JSON work per reconcile, O(N^2) for a resync of N policies (docs/PERFORMANCE.md). Only the key is
/// kept: the domain records of the few policies that share it are built when asked for (keeping every policy's
/// records measured ~1 KB per cached policy, 10 MB at 10,000).
/// </summary>
internal static class PolicyViews
{
    private static readonly ConditionalWeakTable<SessionLoggingPolicyResource, View> Views = new();

    /// <summary>The readable policies among <paramref name="cached"/> that manage the same account, region and document as
    /// <paramref name="policy"/>; their status is not read (null).</summary>
    public static List<SessionLoggingPolicy> SameOwnership(SessionLoggingPolicy policy, IReadOnlyList<SessionLoggingPolicyResource> cached, AccountContext accounts)
    {
        var key = PolicyReconciler.OwnershipKey(policy.Spec, accounts);
        // The AWS account behind an accountRef is looked up once per name, not once per cached policy.
        var accountOf = new Dictionary<string, string>(StringComparer.Ordinal);
        string AccountOf(string? reference)
        {
            var k = reference ?? "";
            if (!accountOf.TryGetValue(k, out var account))
            {
                accountOf[k] = account = accounts.KeyOf(reference);
            }

            return account;
        }

        var result = new List<SessionLoggingPolicy>();
        foreach (var obj in cached)
        {
            var view = Views.GetValue(obj, Create);
            if (view.Key is { } k && k.Region == key.Region && k.Document == key.Document && AccountOf(k.AccountRef) == key.Account
                && PolicyMapping.TryToDomain(obj, withStatus: false, out var other, out _) && other is not null)
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
        var name = account.Metadata.Name;
        var asDefault = !account.TryToDomain(out var a, out _) || a!.Spec.Default;
        foreach (var obj in policies.List())
        {
            if (Views.GetValue(obj, Create).Key is { } key && (key.AccountRef == name || (key.AccountRef is null && asDefault)))
            {
                yield return ResourceKey.Of(obj);
            }
        }
    }

    // Without the status: the conflict check reads the others' metadata and spec only. Accounts and regions repeat
    // across policies, so their strings are shared.
    private static View Create(SessionLoggingPolicyResource obj)
    {
        if (!PolicyMapping.TryToDomain(obj, withStatus: false, out var p, out _) || p is not { Spec: not null })
        {
            return new View(null);
        }

        // The AwsAccount's name, not the account it resolves to: AwsAccounts change without the policy changing.
        var reference = p.Spec.AccountRef?.Name;
        return new View((reference is null ? null : string.Intern(reference), string.Intern(p.Spec.Region), p.Spec.DocumentName));
    }

    // Key is null for a policy whose spec cannot be read (it owns nothing).
    private sealed record View((string? AccountRef, string Region, string Document)? Key);
}
