using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SessionAudit.Kubernetes.Telemetry;

/// <summary>The runtime's OpenTelemetry Meter and ActivitySource, both named "SessionAudit.Controller".</summary>
public static class ControllerTelemetry
{
    /// <summary>Name of the Meter and the ActivitySource; add it to OpenTelemetry's AddMeter/AddSource.</summary>
    public const string Name = "SessionAudit.Controller";

    /// <summary>The ActivitySource; one span per reconcile.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    /// <summary>The Meter.</summary>
    public static readonly Meter Meter = new(Name);

    internal static readonly UpDownCounter<long> QueueDepth = Meter.CreateUpDownCounter<long>("sessionaudit.controller.queue.depth", "{key}", "Keys waiting in the work queue, ready to be processed.");
    internal static readonly Counter<long> QueueAdds = Meter.CreateCounter<long>("sessionaudit.controller.queue.adds", "{key}", "Keys added to the work queue, by priority (high: watch events; low: initial list, resync, RequeueAfter).");
    internal static readonly Counter<long> QueuePromotions = Meter.CreateCounter<long>("sessionaudit.controller.queue.promotions", "{key}", "Keys waiting at low priority moved to the high-priority lane by an event.");
    internal static readonly Counter<long> QueueRetries = Meter.CreateCounter<long>("sessionaudit.controller.queue.retries", "{key}", "Rate-limited re-adds after transient failures.");
    internal static readonly Counter<long> ResyncKeys = Meter.CreateCounter<long>("sessionaudit.controller.resync.keys", "{key}", "Keys seen by the periodic resync, by action (queued, skipped_pending: its own delayed add comes first, skipped_terminal).");
    internal static readonly Histogram<double> ReconcileDuration = Meter.CreateHistogram<double>("sessionaudit.controller.reconcile.duration", "s", "Duration of reconciles, by outcome.");
    internal static readonly Counter<long> Reconciles = Meter.CreateCounter<long>("sessionaudit.controller.reconcile.count", "{reconcile}", "Reconciles, by outcome (success, requeue_after, transient, timeout, terminal, canceled).");
    internal static readonly Counter<long> WatchRestarts = Meter.CreateCounter<long>("sessionaudit.controller.watch.restarts", "{watch}", "Watches re-opened, by reason.");
    internal static readonly Counter<long> Relists = Meter.CreateCounter<long>("sessionaudit.controller.relists", "{list}", "Full lists, by reason (initial, expired).");
    internal static readonly Counter<long> MemoryTrims = Meter.CreateCounter<long>("sessionaudit.controller.memory.trims", "{collection}", "Full collections that gave the GC's unused memory back while the controller was idle.");
    internal static readonly Counter<long> LeaderTransitions = Meter.CreateCounter<long>("sessionaudit.controller.leader.transitions", "{transition}", "Leadership gained or lost by this process.");

    internal static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
