namespace SessionAudit.Kubernetes.Events;

/// <summary>
/// Per-object token buckets (client-go's EventSourceObjectSpamFilter): a burst of events, then one per refill
/// interval. Keeps at most <see cref="MaxObjects"/> buckets so memory stays bounded.
/// </summary>
public sealed class EventSpamFilter
{
    /// <summary>Buckets kept before the oldest are forgotten.</summary>
    public const int MaxObjects = 4096;

    private readonly Lock gate = new();
    private readonly Dictionary<string, Bucket> buckets = [];
    private readonly TimeProvider time;
    private readonly int burst;
    private readonly TimeSpan refill;

    /// <summary>Creates the filter; defaults burst 25, refill 1 per 300 s.</summary>
    public EventSpamFilter(TimeProvider time, int burst = 25, TimeSpan? refill = null)
    {
        this.time = time;
        this.burst = burst;
        this.refill = refill ?? TimeSpan.FromSeconds(300);
    }

    /// <summary>True when an event about <paramref name="objectKey"/> may be sent now (takes a token).</summary>
    public bool Allow(string objectKey)
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            if (!buckets.TryGetValue(objectKey, out var b))
            {
                if (buckets.Count >= MaxObjects)
                {
                    var oldest = buckets.MinBy(kv => kv.Value.Last).Key;
                    buckets.Remove(oldest);
                }

                b = new Bucket { Tokens = burst, Last = now };
                buckets[objectKey] = b;
            }

            b.Tokens = Math.Min(burst, b.Tokens + (time.GetElapsedTime(b.Last, now) / refill));
            b.Last = now;
            if (b.Tokens < 1)
            {
                return false;
            }

            b.Tokens -= 1;
            return true;
        }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long Last { get; set; }
    }
}
