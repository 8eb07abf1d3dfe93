namespace SessionAudit.Kubernetes.Queue;

/// <summary>A global token bucket: each retry takes a token; an empty bucket makes the retry wait for its refill.</summary>
public sealed class TokenBucketRateLimiter<TKey> : IRateLimiter<TKey>
{
    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly double qps;
    private readonly double burst;
    private double tokens;
    private long lastTimestamp;

    /// <summary>Creates a full bucket.</summary>
    public TokenBucketRateLimiter(double qps, int burst, TimeProvider time)
    {
        this.qps = qps;
        this.burst = burst;
        this.time = time;
        tokens = burst;
        lastTimestamp = time.GetTimestamp();
    }

    /// <inheritdoc/>
    public TimeSpan When(TKey key)
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            tokens = Math.Min(burst, tokens + (time.GetElapsedTime(lastTimestamp, now).TotalSeconds * qps));
            lastTimestamp = now;

            // A reservation: tokens may go negative, which is the queue of retries already promised a slot.
            tokens -= 1;
            return tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-tokens / qps);
        }
    }

    /// <inheritdoc/>
    public void Forget(TKey key)
    {
    }

    /// <inheritdoc/>
    public int Retries(TKey key) => 0;
}
