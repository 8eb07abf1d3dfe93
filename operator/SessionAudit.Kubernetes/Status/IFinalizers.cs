using k8s;
using k8s.Models;

namespace SessionAudit.Kubernetes.Status;

/// <summary>Adds and removes a finalizer of an object; see <see cref="Finalizers{T}"/>.</summary>
public interface IFinalizers<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Adds the finalizer if missing; returns the stored object, or null if it is gone (or was re-created).</summary>
    Task<T?> AddAsync(T obj, string finalizer, CancellationToken ct);

    /// <summary>Removes the finalizer: the commit step after cleanup, not cancellable. Returns the stored object, or null
    /// if the removal let it be deleted (or it was gone, or re-created under the name).</summary>
    Task<T?> RemoveAsync(T obj, string finalizer);
}
