using SessionAudit.Kubernetes.Telemetry;

namespace SessionAudit.Kubernetes.Queue;

/// <summary>
/// A rate-limited, delaying work queue with client-go semantics: a waiting key is queued once; a key
/// being processed is never handed out again until <see cref="Done"/>, and re-adds made meanwhile are
/// queued then. Usable on its own (benchmarks) or under a controller.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock gate = new();
    private readonly Queue<TKey> ready = new();
    private readonly HashSet<TKey> dirty = [];
    private readonly HashSet<TKey> processing = [];
    private readonly Dictionary<TKey, Waiting> waiting = [];
    private readonly IRateLimiter<TKey> limiter;
    private readonly TimeProvider time;
    private readonly KeyValuePair<string, object?> nameTag;
    private TaskCompletionSource signal = NewSignal();
    private TaskCompletionSource? drained;
    private bool shuttingDown;

    /// <summary>Creates a queue.</summary>
    public WorkQueue(IRateLimiter<TKey> limiter, TimeProvider? time = null, string name = "queue")
    {
        this.limiter = limiter;
        this.time = time ?? TimeProvider.System;
        nameTag = ControllerTelemetry.Tag("controller", name);
    }

    /// <summary>Keys ready to be handed out.</summary>
    public int Count
    {
        get
        {
            lock (gate) return ready.Count;
        }
    }

    /// <summary>Keys handed out and not yet Done.</summary>
    public int ProcessingCount
    {
        get
        {
            lock (gate) return processing.Count;
        }
    }

    /// <summary>Keys waiting for a delay (AddAfter / rate limit) to pass.</summary>
    public int WaitingCount
    {
        get
        {
            lock (gate) return waiting.Count;
        }
    }

    /// <summary>True once shut down.</summary>
    public bool IsShuttingDown
    {
        get
        {
            lock (gate) return shuttingDown;
        }
    }

    /// <summary>Queues the key now, unless it is already queued. Ignored after shutdown.</summary>
    public void Add(TKey key)
    {
        TaskCompletionSource? wake = null;
        lock (gate)
        {
            if (shuttingDown || !dirty.Add(key))
            {
                return;
            }

            ControllerTelemetry.QueueAdds.Add(1, nameTag);
            if (!processing.Contains(key))
            {
                wake = EnqueueLocked(key);
            }
        }

        wake?.TrySetResult();
    }

    /// <summary>Queues the key after a delay. A key already waiting keeps the earlier of the two times.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (gate)
        {
            if (shuttingDown)
            {
                return;
            }

            var readyAt = time.GetUtcNow() + delay;
            if (waiting.TryGetValue(key, out var existing))
            {
                if (existing.ReadyAt <= readyAt)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            var entry = new Waiting(readyAt);
            waiting[key] = entry;
            entry.Timer = time.CreateTimer(_ => Fire(key, entry), null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Queues the key after the rate limiter's delay (a retry).</summary>
    public void AddRateLimited(TKey key)
    {
        ControllerTelemetry.QueueRetries.Add(1, nameTag);
        AddAfter(key, limiter.When(key));
    }

    /// <summary>Clears the key's retry history (after success or a terminal failure).</summary>
    public void Forget(TKey key) => limiter.Forget(key);

    /// <summary>Retries of the key since it was last forgotten.</summary>
    public int Retries(TKey key) => limiter.Retries(key);

    /// <summary>
    /// Waits for a key and marks it processing. Returns false once the queue is shut down; keys still
    /// queued then are dropped (the controller is level-based: the next start lists everything again).
    /// </summary>
    public async Task<(bool Ok, TKey Key)> GetAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (shuttingDown)
                {
                    return (false, default!);
                }

                if (ready.TryDequeue(out var key))
                {
                    ControllerTelemetry.QueueDepth.Add(-1, nameTag);
                    processing.Add(key);
                    dirty.Remove(key);
                    return (true, key);
                }

                wait = signal.Task;
            }

            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Marks the key processed; if it was re-added meanwhile it is queued now.</summary>
    public void Done(TKey key)
    {
        TaskCompletionSource? wake = null;
        TaskCompletionSource? drainedNow = null;
        lock (gate)
        {
            if (!processing.Remove(key))
            {
                return;
            }

            if (dirty.Contains(key) && !shuttingDown)
            {
                wake = EnqueueLocked(key);
            }

            if (processing.Count == 0)
            {
                drainedNow = drained;
            }
        }

        wake?.TrySetResult();
        drainedNow?.TrySetResult();
    }

    /// <summary>Stops handing out keys and accepting adds; waiters return at once.</summary>
    public void ShutDown()
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            if (!shuttingDown)
            {
                shuttingDown = true;
                ControllerTelemetry.QueueDepth.Add(-ready.Count, nameTag);
                ready.Clear();
                dirty.Clear();
                foreach (var w in waiting.Values) w.Timer.Dispose();
                waiting.Clear();
            }

            wake = signal;
        }

        wake.TrySetResult();
    }

    /// <summary>Shuts down, then waits until every key handed out is Done (or <paramref name="ct"/> fires).</summary>
    public async Task ShutDownWithDrainAsync(CancellationToken ct)
    {
        ShutDown();
        Task wait;
        lock (gate)
        {
            if (processing.Count == 0)
            {
                return;
            }

            drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = drained.Task;
        }

        await wait.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => ShutDown();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TaskCompletionSource EnqueueLocked(TKey key)
    {
        ready.Enqueue(key);
        ControllerTelemetry.QueueDepth.Add(1, nameTag);

        // Every waiter wakes and re-checks; the signal is replaced so later waits block again.
        var wake = signal;
        signal = NewSignal();
        return wake;
    }

    private void Fire(TKey key, Waiting entry)
    {
        lock (gate)
        {
            if (!waiting.TryGetValue(key, out var current) || !ReferenceEquals(current, entry))
            {
                return;
            }

            waiting.Remove(key);
            entry.Timer.Dispose();
        }

        Add(key);
    }

    private sealed class Waiting(DateTimeOffset readyAt)
    {
        public DateTimeOffset ReadyAt { get; } = readyAt;

        public ITimer Timer { get; set; } = null!;
    }
}
