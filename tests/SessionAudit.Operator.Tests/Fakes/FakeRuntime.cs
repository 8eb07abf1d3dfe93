using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Events;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Status;

namespace SessionAudit.Operator.Tests.Fakes;

/// <summary>The informer's cache, filled by the test; its indexes are computed when read.</summary>
internal sealed class FakeCache<T>(IEnumerable<CacheIndex<T>> indexes) : IResourceCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Dictionary<ResourceKey, T> items = [];

    public FakeCache()
        : this([])
    {
    }

    public bool HasSynced => true;

    public int Count => items.Count;

    public void Put(T obj) => items[ResourceKey.Of(obj)] = obj;

    public T? Get(ResourceKey key) => items.GetValueOrDefault(key);

    public IReadOnlyList<T> List() => [.. items.Values];

    public IReadOnlyList<T> ByIndex(string index, string value)
    {
        var ix = indexes.Single(i => i.Name == index);
        return [.. items.Values.Where(o => ix.Values(o).Contains(value))];
    }

    public Task WaitForSyncAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Finalizer patches, journaled into <paramref name="journal"/> (shared with the fake AWS, so the order of the
/// two can be asserted).</summary>
internal sealed class FakeFinalizers<T>(List<string> journal) : IFinalizers<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public const string Added = "k8s:finalizer-added";
    public const string Removed = "k8s:finalizer-removed";

    /// <summary>The objects a removal was asked of, in order.</summary>
    public List<T> RemovedFrom { get; } = [];

    public Task<T?> AddAsync(T obj, string finalizer, CancellationToken ct)
    {
        journal.Add(Added);
        var stored = ObjectCopy.DeepClone(obj);
        stored.Metadata.Finalizers = [.. stored.Metadata.Finalizers ?? [], finalizer];
        stored.Metadata.ResourceVersion += "+f";
        return Task.FromResult<T?>(stored);
    }

    public Task<T?> RemoveAsync(T obj, string finalizer)
    {
        journal.Add(Removed);
        RemovedFrom.Add(obj);
        return Task.FromResult<T?>(null);
    }
}

/// <summary>Status writes: applied to a copy and kept; answers Written, or <see cref="Answer"/> with <see cref="Fresh"/>.</summary>
internal sealed class FakeStatusWriter<T> : IStatusWriter<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public StatusWriteOutcome Answer { get; set; } = StatusWriteOutcome.Written;

    /// <summary>The object a Stale answer carries (the one a conflict re-read found).</summary>
    public T? Fresh { get; set; }

    public List<T> Writes { get; } = [];

    public Task<StatusWriteResult<T>> WriteAsync(T obj, Action<T> mutate, CancellationToken ct)
    {
        var working = ObjectCopy.DeepClone(obj);
        mutate(working);
        Writes.Add(working);
        if (Answer == StatusWriteOutcome.Stale)
        {
            return Task.FromResult(new StatusWriteResult<T>(StatusWriteOutcome.Stale, Fresh, 2));
        }

        working.Metadata.ResourceVersion += "+s";
        return Task.FromResult(new StatusWriteResult<T>(StatusWriteOutcome.Written, working, 1));
    }
}

/// <summary>Events, kept.</summary>
internal sealed class FakeEvents : IEventRecorder
{
    public List<(string Type, string Reason, string Message)> Recorded { get; } = [];

    public Task<bool> RecordAsync(IKubernetesObject<V1ObjectMeta> obj, string type, string reason, string message, CancellationToken ct)
    {
        Recorded.Add((type, reason, message));
        return Task.FromResult(true);
    }
}
