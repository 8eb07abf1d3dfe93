namespace SessionAudit.Kubernetes.Informer;

/// <summary>
/// A named index of a <see cref="ResourceCache{T}"/> (client-go's <c>cache.Indexers</c>, controller-runtime's
/// <c>IndexField</c>): <see cref="Values"/> gives the index values of an object, and
/// <see cref="IResourceCache{T}.ByIndex"/> returns the cached objects with a value in constant time instead of a scan of
/// every object. <see cref="Values"/> runs once for each object the informer caches (each version of it), never on a read;
/// it must not throw (an object whose values cannot be computed should yield none).
/// </summary>
public sealed record CacheIndex<T>(string Name, Func<T, IEnumerable<string>> Values)
    where T : class;
