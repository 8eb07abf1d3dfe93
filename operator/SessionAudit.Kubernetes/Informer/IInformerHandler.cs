namespace SessionAudit.Kubernetes.Informer;

/// <summary>Receives the cache's changes as the informer applies them (called on the informer's loop: keep it cheap).</summary>
public interface IInformerHandler<in T>
{
    /// <summary>An object appeared.</summary>
    void OnAdd(T obj);

    /// <summary>An object changed (or a resync/relist delivered it again).</summary>
    void OnUpdate(T oldObj, T newObj);

    /// <summary>An object disappeared; <paramref name="obj"/> is its last known state.</summary>
    void OnDelete(T obj);
}
