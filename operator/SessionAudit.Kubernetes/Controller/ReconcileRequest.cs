using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Controller;

/// <summary>What to reconcile: the object's key (read the object from the cache), and how often it has been retried.</summary>
public sealed record ReconcileRequest(ResourceKey Key, int Retries = 0);
