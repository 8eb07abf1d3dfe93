using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Controller;

/// <summary>
/// A reconciler whose objects carry its finalizer. The runtime (<see cref="FinalizingReconciler{T}"/>) reads the object
/// from the cache, forgets it when it is gone, and puts the finalizer on and takes it off; this reconciler only
/// reconciles a live object and cleans up after one being deleted.
/// </summary>
public interface IFinalizingReconciler<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The finalizer this reconciler owns (a qualified name: example.com/cleanup).</summary>
    string Finalizer { get; }

    /// <summary>Reconciles a live object. It carries the finalizer already, so its deletion waits for <see cref="FinalizeAsync"/>.</summary>
    Task<ReconcileResult> ReconcileAsync(T obj, ReconcileRequest req, CancellationToken ct);

    /// <summary>Cleans up after an object being deleted that still carries the finalizer. <see cref="FinalizeResult{T}.Done"/>
    /// lets the runtime remove the finalizer; <see cref="FinalizeResult{T}.NotYet"/> keeps it and answers the queue.</summary>
    Task<FinalizeResult<T>> FinalizeAsync(T obj, ReconcileRequest req, CancellationToken ct);

    /// <summary>The object is no longer this reconciler's: gone from the cache, or its finalizer removed. Drop whatever is
    /// kept about it.</summary>
    Task ForgetAsync(ResourceKey key, CancellationToken ct) => Task.CompletedTask;
}
