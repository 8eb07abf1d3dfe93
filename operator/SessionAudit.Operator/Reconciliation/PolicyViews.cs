using System.Runtime.CompilerServices;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Operator.Reconciliation;

/// <summary>
/// The ownership key (account, region, document) of each cached policy, computed once per cached object. The informer
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
    public static List<SessionLoggingPolicy> SameOwnership(SessionLoggingPolicy policy, IReadOnlyList<SessionLoggingPolicyResource> cached)
    {
        var key = PolicyReconciler.OwnershipKey(policy.Spec);
        var result = new List<SessionLoggingPolicy>();
        foreach (var obj in cached)
        {
            var view = Views.GetValue(obj, Create);
            if (view.Key == key
                && PolicyMapping.TryToDomain(obj, withStatus: false, out var other, out _) && other is not null)
            {
                result.Add(other);
            }
        }

        return result;
    }

    // Without the status: the conflict check reads the others' metadata and spec only. Accounts and regions repeat
    // across policies, so their strings are shared.
    private static View Create(SessionLoggingPolicyResource obj)
    {
        if (!PolicyMapping.TryToDomain(obj, withStatus: false, out var p, out _) || p is not { Spec: not null })
        {
            return new View(null);
        }

        var (account, region, document) = PolicyReconciler.OwnershipKey(p.Spec);
        return new View((string.Intern(account), string.Intern(region), document));
    }

    // Key is null for a policy whose spec cannot be read (it owns nothing).
    private sealed record View((string Account, string Region, string Document)? Key);
}
