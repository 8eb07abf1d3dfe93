using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Status;

/// <summary>
/// Writes `.status` through the `/status` subresource with optimistic concurrency: the mutation runs on a copy,
/// nothing is sent when the status is unchanged, and a 409 re-reads the object and re-runs the mutation.
/// </summary>
public sealed class StatusWriter<T>
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
    /// conditions through <see cref="Conditions.Set"/>...) and writes the result if the status changed. The mutation
    /// must be idempotent: it runs again on a fresh copy after a conflict. <paramref name="obj"/> is never modified.
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

                current = fresh;
            }
        }
    }

    private static JsonNode? StatusOf(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))?["status"];
}
