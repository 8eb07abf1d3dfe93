namespace SessionAudit.Kubernetes.Queue;

/// <summary>Per-key exponential backoff: base · 2^failures, capped at max.</summary>
public sealed class ExponentialBackoffRateLimiter<TKey> : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> failures = [];
    private readonly Lock gate = new();
    private readonly TimeSpan baseDelay;
    private readonly TimeSpan maxDelay;

    /// <summary>Creates the limiter.</summary>
    public ExponentialBackoffRateLimiter(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    /// <inheritdoc/>
    public TimeSpan When(TKey key)
    {
        int n;
        lock (gate)
        {
            failures.TryGetValue(key, out n);
            failures[key] = n + 1;
        }

        // Computed in doubles: 2^n overflows long ticks long before n gets large.
        var ticks = baseDelay.Ticks * Math.Pow(2, n);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <inheritdoc/>
    public void Forget(TKey key)
    {
        lock (gate)
        {
            failures.Remove(key);
        }
    }

    /// <inheritdoc/>
    public int Retries(TKey key)
    {
        lock (gate)
        {
            return failures.TryGetValue(key, out var n) ? n : 0;
        }
    }
}
