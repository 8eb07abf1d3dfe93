namespace SessionAudit.Kubernetes.Queue;

/// <summary>Retry pacing: per-key exponential backoff combined (max) with a global token bucket. Defaults as client-go.</summary>
public sealed record QueueRateLimits
{
    /// <summary>First retry delay of a key; doubles with every further failure.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Upper bound of the per-key backoff.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(1000);

    /// <summary>Sustained retries per second across all keys.</summary>
    public double Qps { get; set; } = 10;

    /// <summary>Retries allowed at once before the bucket paces them.</summary>
    public int Burst { get; set; } = 100;

    /// <summary>Messages for every invalid value; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (BaseDelay <= TimeSpan.Zero) yield return "QueueRateLimits.BaseDelay must be positive";
        if (MaxDelay < BaseDelay) yield return "QueueRateLimits.MaxDelay must be at least BaseDelay";
        if (!(Qps > 0) || double.IsInfinity(Qps)) yield return "QueueRateLimits.Qps must be a positive number";
        if (Burst < 1) yield return "QueueRateLimits.Burst must be at least 1";
    }
}
