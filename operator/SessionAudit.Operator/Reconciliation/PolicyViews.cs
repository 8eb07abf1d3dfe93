using System.Runtime.CompilerServices;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Operator.Reconciliation;

/// <summary>
/// The domain view of each cached policy and its ownership key (account, region, document), computed once per cached
/// object. The informer replaces an object on every change and never mutates one, so a view stays right for as long as
/// its object is cached, and goes with it. Without this every reconcile deserialised every other policy's spec and
/// status to look for conflicts: O(N) JSON work per reconcile, O(N^2) for a resync of N policies (docs/PERFORMANCE.md).
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
            if (view.Policy is not null && view.Key == key)
            {
                result.Add(view.Policy);
            }
        }

        return result;
    }

    // Without the status: the conflict check reads the others' metadata and spec only, and ten conditions per cached
    // policy would be the largest part of the view.
    private static View Create(SessionLoggingPolicyResource obj) =>
        PolicyMapping.TryToDomain(obj, withStatus: false, out var p, out _) && p is { Spec: not null }
            ? new View(p, PolicyReconciler.OwnershipKey(p.Spec))
            : new View(null, default);

    private sealed record View(SessionLoggingPolicy? Policy, (string Account, string Region, string Document) Key);
}
