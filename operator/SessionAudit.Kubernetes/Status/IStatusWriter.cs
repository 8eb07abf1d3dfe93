using k8s;
using k8s.Models;

namespace SessionAudit.Kubernetes.Status;

/// <summary>Writes `.status` through the `/status` subresource, compare-and-swap; see <see cref="StatusWriter{T}"/>.</summary>
public interface IStatusWriter<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>
    /// Applies <paramref name="mutate"/> to a copy of <paramref name="obj"/> and writes the status if it changed. The
    /// mutation must be idempotent (it may run again on a fresh copy after a conflict). On
    /// <see cref="StatusWriteOutcome.Stale"/> nothing was written: reconcile again.
    /// </summary>
    Task<StatusWriteResult<T>> WriteAsync(T obj, Action<T> mutate, CancellationToken ct);
}
