namespace SessionAudit.Kubernetes.Controller;

/// <summary>How a reconcile ended.</summary>
public enum ReconcileOutcome
{
    /// <summary>Done; forget retries.</summary>
    Success,

    /// <summary>Done for now; reconcile again after a delay (polling external state).</summary>
    RequeueAfter,

    /// <summary>Failed in a way a retry may fix; retried with rate-limited backoff.</summary>
    Transient,

    /// <summary>Failed in a way only a change of the object can fix; not retried until it changes.</summary>
    Terminal,
}

/// <summary>The answer of a reconcile: Success, RequeueAfter(delay), Transient(error) or Terminal(error).</summary>
public sealed record ReconcileResult(ReconcileOutcome Outcome, TimeSpan Delay, Exception? Error)
{
    private static readonly ReconcileResult SuccessResult = new(ReconcileOutcome.Success, TimeSpan.Zero, null);

    /// <summary>Done.</summary>
    public static ReconcileResult Success() => SuccessResult;

    /// <summary>Done; come back after <paramref name="delay"/>.</summary>
    public static ReconcileResult RequeueAfter(TimeSpan delay) =>
        delay > TimeSpan.Zero ? new(ReconcileOutcome.RequeueAfter, delay, null) : throw new ArgumentOutOfRangeException(nameof(delay), "must be positive");

    /// <summary>Failed; retry with backoff.</summary>
    public static ReconcileResult Transient(Exception error) => new(ReconcileOutcome.Transient, TimeSpan.Zero, error);

    /// <summary>Failed; retry with backoff.</summary>
    public static ReconcileResult Transient(string message) => Transient(new ReconcileException(message));

    /// <summary>Failed; do not retry until the object changes.</summary>
    public static ReconcileResult Terminal(Exception error) => new(ReconcileOutcome.Terminal, TimeSpan.Zero, error);

    /// <summary>Failed; do not retry until the object changes.</summary>
    public static ReconcileResult Terminal(string message) => Terminal(new ReconcileException(message));
}

/// <summary>An error a reconciler reported by message.</summary>
public sealed class ReconcileException(string message) : Exception(message);
