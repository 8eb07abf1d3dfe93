using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes;

/// <summary>Faults a test switches on at run time to see how clients cope.</summary>
public sealed class KubernetesFaults
{
    private readonly Action<WatchEnding> _dropWatches;
    private readonly Action _expire;
    private readonly Lock _throttleGate = new();
    private readonly Queue<Throttle> _throttles = new();
    private double _conflictShare;
    private double _errorShare;
    private long _latencyTicks;

    internal KubernetesFaults(Action<WatchEnding> dropWatches, Action expire)
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
    public void DropAllWatches() => _dropWatches(WatchEnding.Clean);

    /// <summary>Resets the connection of every open watch mid-stream (no clean end of the response).</summary>
    public void ResetAllWatches() => _dropWatches(WatchEnding.Reset);

    /// <summary>Ends every open watch with an ERROR event holding a 500 InternalError Status (not 410: no relist is due).</summary>
    public void FailAllWatches() => _dropWatches(WatchEnding.Error);

    /// <summary>
    /// Answers the next <paramref name="requests"/> requests (of <paramref name="verb"/> only, when given: get, list, watch,
    /// create, update, patch, delete) with <paramref name="statusCode"/> and <c>Retry-After: retryAfterSeconds</c>, before
    /// they touch the store. 429 is answered as API Priority and Fairness does (plain-text body); 5xx with a Status.
    /// </summary>
    public void Throttle(int requests, int retryAfterSeconds, int statusCode = 429, string? verb = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 429);
        lock (_throttleGate)
        {
            for (var i = 0; i < requests; i++)
            {
                _throttles.Enqueue(new Throttle(statusCode, retryAfterSeconds, verb));
            }
        }
    }

    /// <summary>The throttle answer due for a request of <paramref name="verb"/>, if one is queued.</summary>
    internal Throttle? TakeThrottle(string verb)
    {
        lock (_throttleGate)
        {
            if (_throttles.Count == 0 || (_throttles.Peek().Verb is { } only && only != verb))
            {
                return null;
            }

            return _throttles.Dequeue();
        }
    }

    /// <summary>Compacts history: every resourceVersion issued so far becomes too old to watch from (410 Expired) or continue a list with; a relist gets a valid one.</summary>
    public void ExpireResourceVersions() => _expire();

    /// <summary>Switches all write faults and latency off.</summary>
    public void Reset()
    {
        WriteConflictShare = 0;
        WriteErrorShare = 0;
        Latency = TimeSpan.Zero;
        lock (_throttleGate)
        {
            _throttles.Clear();
        }
    }
}

/// <summary>One queued throttle answer.</summary>
internal sealed record Throttle(int StatusCode, int RetryAfterSeconds, string? Verb);
