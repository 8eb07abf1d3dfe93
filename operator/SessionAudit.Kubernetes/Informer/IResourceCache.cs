using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Informer;

/// <summary>
/// Read access to the informer's cache: what reconcilers read instead of the event that woke them.
/// Objects are shared; treat them as read-only (copy with <see cref="ObjectCopy.DeepClone{T}"/> to change one).
/// </summary>
public interface IResourceCache<T>
    where T : class
{
    /// <summary>True once the first full list has filled the cache.</summary>
    bool HasSynced { get; }

    /// <summary>Number of objects held.</summary>
    int Count { get; }

    /// <summary>The cached object, or null when it does not exist (or was deleted).</summary>
    T? Get(ResourceKey key);

    /// <summary>A snapshot of every cached object.</summary>
    IReadOnlyList<T> List();

    /// <summary>The cached objects whose <paramref name="index"/> (a <see cref="CacheIndex{T}"/> the cache was made with)
    /// has <paramref name="value"/>, in no particular order.</summary>
    /// <exception cref="ArgumentException">The cache has no index of that name.</exception>
    IReadOnlyList<T> ByIndex(string index, string value);

    /// <summary>Completes once the first full list has filled the cache.</summary>
    Task WaitForSyncAsync(CancellationToken ct);
}
