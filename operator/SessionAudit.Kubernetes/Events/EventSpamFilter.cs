namespace SessionAudit.Kubernetes.Events;

/// <summary>
/// Per-object token buckets (client-go's EventSourceObjectSpamFilter): a burst of events, then one per refill
/// interval. Keeps at most <see cref="MaxObjects"/> buckets so memory stays bounded: the least recently used one is
/// forgotten first (client-go keeps an LRU cache of the same size), in constant time, so thousands of new objects at a cold
/// start do not each scan every bucket.
/// </summary>
public sealed class EventSpamFilter
{
    /// <summary>Buckets kept before the oldest are forgotten.</summary>
    public const int MaxObjects = 4096;

    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<Bucket>> buckets = [];
    private readonly LinkedList<Bucket> recent = new(); // most recently used first
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
            if (buckets.TryGetValue(objectKey, out var node))
            {
                recent.Remove(node);
                recent.AddFirst(node);
            }
            else
            {
                if (buckets.Count >= MaxObjects)
                {
                    buckets.Remove(recent.Last!.Value.Key);
                    recent.RemoveLast();
                }

                node = recent.AddFirst(new Bucket { Key = objectKey, Tokens = burst, Last = now });
                buckets[objectKey] = node;
            }

            var b = node.Value;

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
        public required string Key { get; init; }

        public double Tokens { get; set; }

        public long Last { get; set; }
    }
}
