namespace SessionAudit.Sandbox.Kubernetes;

/// <summary>Faults a test switches on at run time to see how clients cope.</summary>
public sealed class KubernetesFaults
{
    private readonly Action _dropWatches;
    private readonly Action _expire;
    private double _conflictShare;
    private double _errorShare;
    private long _latencyTicks;

    internal KubernetesFaults(Action dropWatches, Action expire)
    {
        _dropWatches = dropWatches;
        _expire = expire;
    }

    /// <summary>Share (0..1) of writes answered 409 Conflict before they touch the store.</summary>
    public double WriteConflictShare
    {
        get => Volatile.Read(ref _conflictShare);
        set => Volatile.Write(ref _conflictShare, Math.Clamp(value, 0, 1));
    }

    /// <summary>Share (0..1) of writes answered 500 InternalError before they touch the store.</summary>
    public double WriteErrorShare
    {
        get => Volatile.Read(ref _errorShare);
        set => Volatile.Write(ref _errorShare, Math.Clamp(value, 0, 1));
    }

    /// <summary>Delay added before every request is served (watch streams only at their start).</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, Math.Max(0, value.Ticks));
    }

    /// <summary>Ends every open watch stream cleanly, as an API server restart or load balancer would.</summary>
    public void DropAllWatches() => _dropWatches();

    /// <summary>Compacts history: every resourceVersion issued so far becomes too old to watch from (410 Expired) or continue a list with; a relist gets a valid one.</summary>
    public void ExpireResourceVersions() => _expire();

    /// <summary>Switches all write faults and latency off.</summary>
    public void Reset()
    {
        WriteConflictShare = 0;
        WriteErrorShare = 0;
        Latency = TimeSpan.Zero;
    }
}
