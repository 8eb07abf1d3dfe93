using System.Collections.Concurrent;

namespace SessionAudit.Sandbox.Kubernetes;

/// <summary>Bounded log of answered requests; the oldest go first once full.</summary>
internal sealed class RequestLog(int capacity)
{
    private readonly ConcurrentQueue<KubernetesRequestRecord> _records = new();
    private int _count;

    public void Add(KubernetesRequestRecord record)
    {
        _records.Enqueue(record);
        if (Interlocked.Increment(ref _count) > capacity && _records.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public IReadOnlyList<KubernetesRequestRecord> Snapshot() => [.. _records];

    public void Clear()
    {
        while (_records.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
