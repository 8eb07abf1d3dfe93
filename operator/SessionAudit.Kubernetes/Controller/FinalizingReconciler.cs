using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Status;

namespace SessionAudit.Kubernetes.Controller;

/// <summary>
/// Runs an <see cref="IFinalizingReconciler{T}"/> (after KubeOps's finalizer handling): reads the object from the cache
/// and forgets it when it is gone; puts the finalizer on a live object before its first reconcile; calls the delete
/// path for an object being deleted that still carries the finalizer, and removes the finalizer once that path is done.
/// An object being deleted without the finalizer is not ours to hold and is left alone.
/// </summary>
public sealed class FinalizingReconciler<T>(IResourceCache<T> cache, IFinalizers<T> finalizers, IFinalizingReconciler<T> reconciler) : IReconciler<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest req, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(req);
        var obj = cache.Get(req.Key);
        if (obj is null)
        {
            await reconciler.ForgetAsync(req.Key, ct).ConfigureAwait(false);
            return ReconcileResult.Success();
        }

        var finalizer = reconciler.Finalizer;
        if (Finalizers<T>.IsDeleting(obj))
        {
            if (!Finalizers<T>.Has(obj, finalizer))
            {
                return ReconcileResult.Success();
            }

            var finalized = await reconciler.FinalizeAsync(obj, req, ct).ConfigureAwait(false);
            if (!finalized.IsDone)
            {
                return finalized.Result;
            }

            // From the object the delete path stored last while it is still the same object (its resourceVersion spares
            // a conflict), never from another one re-created under the name since.
            var from = finalized.Latest is { } latest && latest.Metadata?.Uid == obj.Metadata?.Uid ? latest : obj;
            await finalizers.RemoveAsync(from, finalizer).ConfigureAwait(false);

            // The removal is the commit step and is not cancelled; forgetting completes it.
            await reconciler.ForgetAsync(req.Key, CancellationToken.None).ConfigureAwait(false);
            return ReconcileResult.Success();
        }

        if (!Finalizers<T>.Has(obj, finalizer))
        {
            // On before the reconciler touches anything outside, so a deletion can never skip the cleanup.
            obj = await finalizers.AddAsync(obj, finalizer, ct).ConfigureAwait(false);
            if (obj is null)
            {
                // Gone, or deleted and re-created under the name: the new object's own events bring it back.
                return ReconcileResult.Success();
            }
        }

        return await reconciler.ReconcileAsync(obj, req, ct).ConfigureAwait(false);
    }
}
