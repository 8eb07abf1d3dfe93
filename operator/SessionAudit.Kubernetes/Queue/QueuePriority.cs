namespace SessionAudit.Kubernetes.Queue;

/// <summary>
/// The lane a key waits in. <see cref="High"/> keys are handed out before any <see cref="Low"/> key; within a lane
/// it is first in, first out. A controller adds watch events at <see cref="High"/> and its periodic work (initial
/// list, resync, RequeueAfter) at <see cref="Low"/>, so a change is not stuck behind a resync burst.
/// </summary>
public enum QueuePriority
{
    /// <summary>Periodic or bulk work: initial list, resync, RequeueAfter.</summary>
    Low = 0,

    /// <summary>Event-driven work, and the default of a plain queue.</summary>
    High = 1,
}
