using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Status;

/// <summary>
/// Finalizer helpers. Add one before touching external state; remove it as the last, uncancellable step once
/// cleanup succeeded. Both are compare-and-swap merge patches (the list replaces whole), retried on conflict.
/// </summary>
public sealed class Finalizers<T> : IFinalizers<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private const int MaxAttempts = 5;
    private readonly KubernetesApi api;
    private readonly ResourceDescriptor resource;

    /// <summary>Creates the helper for one resource type.</summary>
    public Finalizers(KubernetesApi api, ResourceDescriptor resource)
    {
        this.api = api;
        this.resource = resource;
    }

    /// <summary>True when the object carries the finalizer.</summary>
    public static bool Has(T obj, string finalizer) => obj?.Metadata?.Finalizers?.Contains(finalizer) == true;

    /// <summary>True when the object is being deleted (deletionTimestamp set).</summary>
    public static bool IsDeleting(T obj) => obj?.Metadata?.DeletionTimestamp is not null;

    /// <summary>Adds the finalizer if missing; returns the stored object, or null if it is gone.</summary>
    public Task<T?> AddAsync(T obj, string finalizer, CancellationToken ct) =>
        ChangeAsync(obj, finalizer, add: true, ct);

    /// <summary>
    /// Removes the finalizer: the commit step after cleanup. Not cancellable on purpose (a cancelled removal after
    /// successful cleanup would only cost another cleanup round); bounded by the API's request timeout.
    /// Returns the stored object, or null if the removal let it be deleted (or it was already gone).
    /// </summary>
    public Task<T?> RemoveAsync(T obj, string finalizer) =>
        ChangeAsync(obj, finalizer, add: false, CancellationToken.None);

    private async Task<T?> ChangeAsync(T obj, string finalizer, bool add, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        var key = ResourceKey.Of(obj);
        var current = obj;
        for (var attempt = 1; ; attempt++)
        {
            var list = current.Metadata?.Finalizers?.ToList() ?? [];
            if (add == list.Contains(finalizer))
            {
                return current;
            }

            if (add) list.Add(finalizer);
            else list.RemoveAll(f => f == finalizer);
            var finalizers = new JsonArray();
            foreach (var f in list) finalizers.Add(f);
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["finalizers"] = finalizers,
                    ["resourceVersion"] = current.Metadata?.ResourceVersion,
                },
            };
            try
            {
                return await api.MergePatchAsync<T>(resource, key, patch.ToJsonString(), ct).ConfigureAwait(false);
            }
            catch (KubernetesApiException e) when (e.IsNotFound)
            {
                return null;
            }
            catch (KubernetesApiException e) when (e.IsConflict && attempt < MaxAttempts)
            {
                var fresh = await api.GetAsync<T>(resource, key, ct).ConfigureAwait(false);
                if (fresh is null || fresh.Metadata?.Uid != obj.Metadata?.Uid)
                {
                    // Gone, or deleted and re-created under the name: the object we were changing no longer exists,
                    // and the new one is reconciled on its own.
                    return null;
                }

                current = fresh;
            }
        }
    }
}
