namespace SessionAudit.Kubernetes.Queue;

/// <summary>Waits as long as the strictest of its limiters says.</summary>
public sealed class MaxOfRateLimiter<TKey> : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly IRateLimiter<TKey>[] limiters;

    /// <summary>Combines limiters.</summary>
    public MaxOfRateLimiter(params IRateLimiter<TKey>[] limiters) => this.limiters = limiters;

    /// <summary>The client-go default: exponential per key, max'd with a global token bucket.</summary>
    public static MaxOfRateLimiter<TKey> Default(QueueRateLimits limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new(new ExponentialBackoffRateLimiter<TKey>(limits.BaseDelay, limits.MaxDelay), new TokenBucketRateLimiter<TKey>(limits.Qps, limits.Burst, time));
    }

    /// <inheritdoc/>
    public TimeSpan When(TKey key)
    {
        var max = TimeSpan.Zero;
        foreach (var l in limiters)
        {
            var d = l.When(key);
            if (d > max) max = d;
        }

        return max;
    }

    /// <inheritdoc/>
    public void Forget(TKey key)
    {
        foreach (var l in limiters) l.Forget(key);
    }

    /// <inheritdoc/>
    public int Retries(TKey key)
    {
        var max = 0;
        foreach (var l in limiters) max = Math.Max(max, l.Retries(key));
        return max;
    }
}
