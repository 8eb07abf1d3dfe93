using System.Collections.Concurrent;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Informer;

/// <summary>
/// The thread-safe store an <see cref="Informer{T}"/> fills, keyed by namespace/name, with the indexes it was made with
/// (<see cref="CacheIndex{T}"/>; the host passes every one registered with <c>AddKubernetesIndex</c>). Reads of one key
/// and of the whole cache take no lock; a write and an index read take one, so an index never answers with an object the
/// cache has replaced or removed.
/// </summary>
public sealed class ResourceCache<T> : IResourceCache<T>
    where T : class
{
    private readonly ConcurrentDictionary<ResourceKey, T> items = new();
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private readonly Dictionary<string, Index> indexes = new(StringComparer.Ordinal);

    /// <summary>Creates an empty cache with no index.</summary>
    public ResourceCache()
        : this([])
    {
    }

    /// <summary>Creates an empty cache with <paramref name="indexes"/> (names must differ).</summary>
    public ResourceCache(IEnumerable<CacheIndex<T>> indexes)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        foreach (var index in indexes)
        {
            if (!this.indexes.TryAdd(index.Name, new Index(index.Values)))
            {
                throw new ArgumentException($"two cache indexes are named '{index.Name}'", nameof(indexes));
            }
        }
    }

    /// <inheritdoc/>
    public bool HasSynced => synced.Task.IsCompleted;

    /// <inheritdoc/>
    public int Count => items.Count;

    /// <inheritdoc/>
    public T? Get(ResourceKey key) => items.TryGetValue(key, out var v) ? v : null;

    /// <inheritdoc/>
    public IReadOnlyList<T> List() => [.. items.Values];

    /// <summary>Every key held.</summary>
    public IReadOnlyList<ResourceKey> Keys() => [.. items.Keys];

    /// <inheritdoc/>
    public IReadOnlyList<T> ByIndex(string index, string value)
    {
        if (!indexes.TryGetValue(index, out var ix))
        {
            throw new ArgumentException($"the cache of {typeof(T).Name} has no index '{index}'", nameof(index));
        }

        lock (gate)
        {
            return ix.Keys.TryGetValue(value, out var keys) ? [.. keys.Select(k => items[k])] : [];
        }
    }

    /// <inheritdoc/>
    public Task WaitForSyncAsync(CancellationToken ct) => synced.Task.WaitAsync(ct);

    internal void Set(ResourceKey key, T value)
    {
        if (indexes.Count == 0)
        {
            items[key] = value;
            return;
        }

        // Computed outside the lock: an index function parses the object.
        var values = indexes.Values.Select(ix => ix.ValuesOf(value)).ToArray();
        lock (gate)
        {
            items[key] = value;
            var i = 0;
            foreach (var ix in indexes.Values)
            {
                ix.Put(key, values[i++]);
            }
        }
    }

    internal bool Remove(ResourceKey key, out T? old)
    {
        if (indexes.Count == 0)
        {
            return items.TryRemove(key, out old);
        }

        lock (gate)
        {
            foreach (var ix in indexes.Values)
            {
                ix.Put(key, []);
            }

            return items.TryRemove(key, out old);
        }
    }

    internal void MarkSynced() => synced.TrySetResult();

    // One index: value -> keys, and key -> its values (to take a replaced or removed object out). Changed under the gate.
    private sealed class Index(Func<T, IEnumerable<string>> values)
    {
        private readonly Dictionary<ResourceKey, string[]> valuesOf = [];

        public Dictionary<string, HashSet<ResourceKey>> Keys { get; } = new(StringComparer.Ordinal);

        public string[] ValuesOf(T obj)
        {
            try
            {
                return [.. values(obj).Distinct(StringComparer.Ordinal)];
            }
            catch (Exception)
            {
                // An index function's bug must not stop the informer: the object is cached, unindexed.
                return [];
            }
        }

        public void Put(ResourceKey key, string[] now)
        {
            if (valuesOf.Remove(key, out var before))
            {
                foreach (var v in before)
                {
                    if (Keys.TryGetValue(v, out var keys) && keys.Remove(key) && keys.Count == 0)
                    {
                        Keys.Remove(v);
                    }
                }
            }

            if (now.Length == 0)
            {
                return;
            }

            valuesOf[key] = now;
            foreach (var v in now)
            {
                if (!Keys.TryGetValue(v, out var keys))
                {
                    Keys[v] = keys = [];
                }

                keys.Add(key);
            }
        }
    }
}
