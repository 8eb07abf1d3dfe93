using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.LeaderElection;
using SessionAudit.Kubernetes.Queue;

namespace SessionAudit.Kubernetes.Controller;

/// <summary>Settings of a hosted controller; validated when the host starts.</summary>
public sealed record ControllerOptions
{
    /// <summary>Kubeconfig file; null: KUBECONFIG, then in-cluster, then ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Kubeconfig context; null: the current context.</summary>
    public string? Context { get; set; }

    /// <summary>Reconciles running at once (never two for one key). controller-runtime's MaxConcurrentReconciles.</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>Every cached object is reconciled again this often, for drift detection.</summary>
    public TimeSpan Resync { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Deadline of one reconcile: its token is cancelled then, and the key is retried with backoff.</summary>
    public TimeSpan ReconcileTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Deadline of each API request (watches excepted).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Component name on Events (source.component).</summary>
    public string EventComponent { get; set; } = "session-audit";

    /// <summary>`fieldManager` of every create, update and patch (managedFields name it); null: <see cref="EventComponent"/>.</summary>
    public string? FieldManager { get; set; }

    /// <summary>
    /// How often the controller, when it has no work, gives the memory the GC holds unused back to the system
    /// (<see cref="IdleMemoryTrim"/>); zero: never.
    /// </summary>
    public TimeSpan IdleMemoryTrim { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Leader election.</summary>
    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>Retry pacing.</summary>
    public QueueRateLimits QueueRateLimits { get; set; } = new();

    /// <summary>List and watch timings.</summary>
    public InformerOptions Informer { get; set; } = new();

    /// <summary>Messages for every invalid value; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (Concurrency < 1) yield return "Concurrency must be at least 1";
        if (Resync < TimeSpan.FromSeconds(1)) yield return "Resync must be at least 1s";
        if (RequestTimeout <= TimeSpan.Zero) yield return "RequestTimeout must be positive";
        if (ReconcileTimeout <= TimeSpan.Zero || ReconcileTimeout.TotalMilliseconds > int.MaxValue) yield return "ReconcileTimeout must be positive and under 24 days";
        if (IdleMemoryTrim < TimeSpan.Zero || IdleMemoryTrim.TotalMilliseconds > int.MaxValue) yield return "IdleMemoryTrim must be zero (never) or positive and under 24 days";
        if (string.IsNullOrWhiteSpace(EventComponent)) yield return "EventComponent must not be empty";
        if (FieldManager is { } fm && (fm.Length is 0 or > 128 || fm.Any(char.IsControl))) yield return "FieldManager must be 1-128 printable characters";
        foreach (var m in LeaderElection?.Validate() ?? ["LeaderElection is required"]) yield return m;
        foreach (var m in QueueRateLimits?.Validate() ?? ["QueueRateLimits is required"]) yield return m;
        foreach (var m in Informer?.Validate() ?? ["Informer is required"]) yield return m;
    }
}
