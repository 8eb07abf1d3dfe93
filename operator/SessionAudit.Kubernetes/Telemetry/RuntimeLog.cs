using Microsoft.Extensions.Logging;

namespace SessionAudit.Kubernetes;

/// <summary>The runtime's log messages (source-generated).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(1001, LogLevel.Debug, "Listed {Kind}: {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string kind, int count, string resourceVersion);

    [LoggerMessage(1002, LogLevel.Information, "Watch of {Kind} expired at resourceVersion {ResourceVersion}; relisting")]
    public static partial void ResourceVersionExpired(ILogger logger, string kind, string? resourceVersion);

    [LoggerMessage(1003, LogLevel.Warning, "List/watch of {Kind} failed; retrying in about {Backoff}")]
    public static partial void WatchFailed(ILogger logger, string kind, TimeSpan backoff, Exception error);

    [LoggerMessage(1004, LogLevel.Information, "Watch of {Kind} silent for {Idle}; reopening")]
    public static partial void WatchIdle(ILogger logger, string kind, TimeSpan idle);

    [LoggerMessage(1005, LogLevel.Error, "Mapping a change of {Kind} {Key} to the objects to reconcile failed; the change is left to the next resync")]
    public static partial void WatchMapFailed(ILogger logger, string kind, string key, Exception error);

    [LoggerMessage(1101, LogLevel.Warning, "Reconcile of {Kind} {Key} failed (attempt {Retries}); retrying with backoff")]
    public static partial void ReconcileTransient(ILogger logger, string kind, string key, int retries, Exception? error);

    [LoggerMessage(1102, LogLevel.Error, "Reconcile of {Kind} {Key} failed terminally; waiting for the object to change")]
    public static partial void ReconcileTerminal(ILogger logger, string kind, string key, Exception? error);

    [LoggerMessage(1103, LogLevel.Information, "Controller for {Kind} started: concurrency {Concurrency}, resync {Resync}")]
    public static partial void ControllerStarted(ILogger logger, string kind, int concurrency, TimeSpan resync);

    [LoggerMessage(1104, LogLevel.Information, "Controller for {Kind} stopped")]
    public static partial void ControllerStopped(ILogger logger, string kind);

    [LoggerMessage(1105, LogLevel.Error, "Controller for {Kind} crashed; restarting")]
    public static partial void ControllerCrashed(ILogger logger, string kind, Exception error);

    [LoggerMessage(1106, LogLevel.Debug, "Resync of {Kind}: {Queued} keys queued, {Pending} left to their own requeue due before the next resync, {Terminal} terminal")]
    public static partial void Resynced(ILogger logger, string kind, int queued, int pending, int terminal);

    [LoggerMessage(1107, LogLevel.Warning, "Reconcile of {Kind} {Key} did not finish within {Timeout} and was cancelled (attempt {Retries}); retrying with backoff")]
    public static partial void ReconcileTimedOut(ILogger logger, string kind, string key, TimeSpan timeout, int retries);

    [LoggerMessage(1108, LogLevel.Debug, "Idle: memory trimmed, heap {Before} to {After} bytes, {Committed} bytes committed")]
    public static partial void MemoryTrimmed(ILogger logger, long before, long after, long committed);

    [LoggerMessage(1201, LogLevel.Information, "{Identity} became leader of Lease {Lease}")]
    public static partial void LeadershipAcquired(ILogger logger, string identity, string lease);

    [LoggerMessage(1202, LogLevel.Warning, "{Identity} stopped leading Lease {Lease}")]
    public static partial void LeadershipLost(ILogger logger, string identity, string lease);

    [LoggerMessage(1203, LogLevel.Debug, "{Identity}: Lease attempt failed")]
    public static partial void LeaseAttemptFailed(ILogger logger, string identity, Exception error);

    [LoggerMessage(1301, LogLevel.Debug, "Event {Reason} about {Object} dropped by the spam filter")]
    public static partial void EventFiltered(ILogger logger, string reason, string @object);

    [LoggerMessage(1302, LogLevel.Warning, "Event {Reason} could not be recorded")]
    public static partial void EventFailed(ILogger logger, string reason, Exception error);
}
