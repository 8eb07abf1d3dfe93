using System.Collections.Concurrent;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Informer;

/// <summary>The thread-safe store an <see cref="Informer{T}"/> fills, keyed by namespace/name.</summary>
public sealed class ResourceCache<T> : IResourceCache<T>
    where T : class
{
    private readonly ConcurrentDictionary<ResourceKey, T> items = new();
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
    public Task WaitForSyncAsync(CancellationToken ct) => synced.Task.WaitAsync(ct);

    internal void Set(ResourceKey key, T value) => items[key] = value;

    internal bool Remove(ResourceKey key, out T? old) => items.TryRemove(key, out old);

    internal void MarkSynced() => synced.TrySetResult();
}
