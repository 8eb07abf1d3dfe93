using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Queue;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Controller;

/// <summary>
/// A secondary resource type a controller of <typeparamref name="TPrimary"/> watches (controller-runtime's `Watches` with
/// `EnqueueRequestsFromMapFunc`): its own informer and cache, and a map from each of its changes to the primary keys to
/// reconcile again. Secondary objects are never reconciled themselves.
/// </summary>
public interface IWatch<TPrimary>
    where TPrimary : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The secondary resource type.</summary>
    ResourceDescriptor Resource { get; }

    /// <summary>
    /// Creates the secondary informer of one controller run. Its changes are mapped (against <paramref name="primary"/>)
    /// to primary keys handed to <paramref name="enqueue"/>, with <see langword="true"/> once the informer has synced (a
    /// watch event, not the bulk of its first list).
    /// </summary>
    IInformer CreateInformer(
        KubernetesApi api,
        IResourceCache<TPrimary> primary,
        Action<ResourceKey, QueuePriority> enqueue,
        InformerOptions options,
        TimeProvider time,
        ILogger logger);
}

/// <summary>
/// A watch of <typeparamref name="TSecondary"/> objects kept in <see cref="Cache"/> (shared across controller runs, as
/// the primary cache is). On add and delete <c>map</c> is called with the object; on an update that passes
/// <see cref="Predicates.GenerationOrMetadataChanged"/> with the old and the new object, so that a changed reference
/// wakes the primaries of both. A map that throws is logged and its change dropped (the next resync covers it).
/// </summary>
public sealed class Watch<TPrimary, TSecondary> : IWatch<TPrimary>
    where TPrimary : class, IKubernetesObject<V1ObjectMeta>
    where TSecondary : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Func<TSecondary, IResourceCache<TPrimary>, IEnumerable<ResourceKey>> map;

    /// <summary>Creates a watch of <paramref name="resource"/> filling <paramref name="cache"/>.</summary>
    public Watch(ResourceDescriptor resource, ResourceCache<TSecondary> cache, Func<TSecondary, IResourceCache<TPrimary>, IEnumerable<ResourceKey>> map)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(map);
        Resource = resource;
        Cache = cache;
        this.map = map;
    }

    /// <inheritdoc/>
    public ResourceDescriptor Resource { get; }

    /// <summary>The secondary objects, as the informer last saw them.</summary>
    public ResourceCache<TSecondary> Cache { get; }

    /// <inheritdoc/>
    public IInformer CreateInformer(
        KubernetesApi api,
        IResourceCache<TPrimary> primary,
        Action<ResourceKey, QueuePriority> enqueue,
        InformerOptions options,
        TimeProvider time,
        ILogger logger)
    {
        var handler = new MapHandler(this, primary, enqueue, logger);
        var informer = new Informer<TSecondary>(api, Resource, Cache, options, handler, time, logger);
        handler.Informer = informer;
        return informer;
    }

    private sealed class MapHandler(Watch<TPrimary, TSecondary> watch, IResourceCache<TPrimary> primary, Action<ResourceKey, QueuePriority> enqueue, ILogger logger)
        : IInformerHandler<TSecondary>
    {
        public Informer<TSecondary>? Informer { get; set; }

        // The first list is bulk work like the primary's own (which queues every primary anyway): low, as it.
        private QueuePriority Priority => Informer?.HasSynced == true ? QueuePriority.High : QueuePriority.Low;

        public void OnAdd(TSecondary obj) => Enqueue(obj, null);

        public void OnUpdate(TSecondary oldObj, TSecondary newObj)
        {
            if (Predicates.GenerationOrMetadataChanged(oldObj, newObj))
            {
                Enqueue(oldObj, newObj);
            }
        }

        public void OnDelete(TSecondary obj) => Enqueue(obj, null);

        private void Enqueue(TSecondary a, TSecondary? b)
        {
            var priority = Priority;
            try
            {
                var keys = new HashSet<ResourceKey>(watch.map(a, primary));
                if (b is not null)
                {
                    keys.UnionWith(watch.map(b, primary));
                }

                foreach (var key in keys)
                {
                    enqueue(key, priority);
                }
            }
            catch (Exception e)
            {
                // Called on the informer's loop: an exception here would end the watch, and the change is in the cache already.
                RuntimeLog.WatchMapFailed(logger, watch.Resource.Kind, ResourceKey.Of(b ?? a).ToString(), e);
            }
        }
    }
}
