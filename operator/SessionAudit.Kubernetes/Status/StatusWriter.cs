using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Status;

/// <summary>
/// Writes `.status` through the `/status` subresource with optimistic concurrency: the mutation runs on a copy,
/// nothing is sent when the status is unchanged, and a 409 re-reads the object: the mutation runs again on it when its
/// uid and generation are those the status was computed from, else nothing is written (<see cref="StatusWriteOutcome.Stale"/>).
/// </summary>
public sealed class StatusWriter<T> : IStatusWriter<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly KubernetesApi api;
    private readonly ResourceDescriptor resource;

    /// <summary>Creates a writer for one resource type.</summary>
    public StatusWriter(KubernetesApi api, ResourceDescriptor resource)
    {
        this.api = api;
        this.resource = resource;
    }

    /// <summary>Attempts before a persistent conflict is thrown.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>
    /// Applies <paramref name="mutate"/> to a copy of <paramref name="obj"/> (it sets the status: observedGeneration,
    /// conditions...) and writes the result if the status changed. The mutation must be idempotent: it runs again on a
    /// fresh copy after a conflict that changed neither uid nor generation. <paramref name="obj"/> is never modified.
    /// On <see cref="StatusWriteOutcome.Stale"/> reconcile again.
    /// </summary>
    public async Task<StatusWriteResult<T>> WriteAsync(T obj, Action<T> mutate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(mutate);
        var key = ResourceKey.Of(obj);
        var current = obj;
        for (var attempt = 1; ; attempt++)
        {
            var working = ObjectCopy.DeepClone(current);
            mutate(working);
            if (JsonNode.DeepEquals(StatusOf(current), StatusOf(working)))
            {
                return new(StatusWriteOutcome.Unchanged, current, attempt - 1);
            }

            try
            {
                var stored = await api.ReplaceStatusAsync(resource, key, working, ct).ConfigureAwait(false);
                return new(StatusWriteOutcome.Written, stored, attempt);
            }
            catch (KubernetesApiException e) when (e.IsNotFound)
            {
                return new(StatusWriteOutcome.Gone, null, attempt);
            }
            catch (KubernetesApiException e) when (e.IsConflict && attempt < MaxAttempts)
            {
                var fresh = await api.GetAsync<T>(resource, key, ct).ConfigureAwait(false);
                if (fresh is null)
                {
                    return new(StatusWriteOutcome.Gone, null, attempt);
                }

                if (fresh.Metadata?.Uid != obj.Metadata?.Uid || fresh.Metadata?.Generation != obj.Metadata?.Generation)
                {
                    // The status was computed from a spec (or an object) that is no longer there: re-running the
                    // mutation would stamp the new generation with conclusions drawn from the old one. The caller
                    // must reconcile again from the fresh object.
                    return new(StatusWriteOutcome.Stale, fresh, attempt);
                }

                // Only status or metadata moved (another writer, our own finalizer patch): the spec the status was
                // computed from is unchanged, so the mutation is re-applied to the fresh copy.
                current = fresh;
            }
        }
    }

    private static JsonNode? StatusOf(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))?["status"];
}
