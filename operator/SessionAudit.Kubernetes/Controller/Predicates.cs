using k8s;
using k8s.Models;

namespace SessionAudit.Kubernetes.Controller;

/// <summary>Which updates are worth a reconcile.</summary>
public static class Predicates
{
    /// <summary>Written by `kubectl apply` next to the spec change that already bumps generation.</summary>
    private const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>
    /// GenerationChanged, widened to the metadata a reconciler acts on: generation (spec), deletionTimestamp,
    /// finalizers of an object being deleted (the last other finalizer going is what lets cleanup finish), labels and
    /// annotations (except last-applied). Status-only and managedFields-only updates — including the controller's
    /// own status writes — and finalizer changes of a live object — including the controller's own finalizer add —
    /// do not trigger work; a finalizer removed by hand from a live object is put back at the next resync.
    /// Objects without a generation fall back to resourceVersion.
    /// </summary>
    public static bool GenerationOrMetadataChanged(IKubernetesObject<V1ObjectMeta> oldObj, IKubernetesObject<V1ObjectMeta> newObj)
    {
        ArgumentNullException.ThrowIfNull(oldObj);
        ArgumentNullException.ThrowIfNull(newObj);
        var o = oldObj.Metadata ?? new V1ObjectMeta();
        var n = newObj.Metadata ?? new V1ObjectMeta();
        if (n.Generation is null && o.ResourceVersion != n.ResourceVersion)
        {
            return true;
        }

        return o.Generation != n.Generation
            || o.DeletionTimestamp != n.DeletionTimestamp
            || (n.DeletionTimestamp is not null && !SameList(o.Finalizers, n.Finalizers))
            || !SameMap(o.Labels, n.Labels, null)
            || !SameMap(o.Annotations, n.Annotations, LastApplied);
    }

    private static bool SameList(IList<string>? a, IList<string>? b) =>
        (a ?? []).SequenceEqual(b ?? [], StringComparer.Ordinal);

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b, string? ignore)
    {
        var x = (a ?? new Dictionary<string, string>()).Where(kv => kv.Key != ignore).ToList();
        var y = b ?? new Dictionary<string, string>();
        return x.Count == y.Count(kv => kv.Key != ignore)
            && x.All(kv => y.TryGetValue(kv.Key, out var v) && string.Equals(v, kv.Value, StringComparison.Ordinal));
    }
}
