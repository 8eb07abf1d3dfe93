namespace SessionAudit.Kubernetes.Controller;

/// <summary>
/// The one function a controller runs. Level-based: read the object from the cache by key and bring the
/// world in line with it; never trust the event that woke you. Never called twice at once for one key.
/// </summary>
public interface IReconciler<TResource>
{
    /// <summary>Reconciles one object. Throwing counts as <see cref="ReconcileResult.Transient(Exception)"/>.</summary>
    Task<ReconcileResult> ReconcileAsync(ReconcileRequest req, CancellationToken ct);
}
