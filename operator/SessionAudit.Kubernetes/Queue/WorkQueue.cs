using SessionAudit.Kubernetes.Telemetry;

namespace SessionAudit.Kubernetes.Queue;

/// <summary>
/// A rate-limited, delaying work queue with client-go semantics and two priority lanes: a waiting key is queued
/// once (in the higher of the lanes it was added to); a key being processed is never handed out again until
/// <see cref="Done"/>, and re-adds made meanwhile are queued then. <see cref="QueuePriority.High"/> keys are handed
/// out before <see cref="QueuePriority.Low"/> ones. Usable on its own (benchmarks) or under a controller.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock gate = new();

    // Index = (int)QueuePriority. Linked lists so that a promotion moves a key out of the middle of the low lane
    // in O(1); nodes are recycled, so a steady queue allocates nothing per key.
    private readonly LinkedList<TKey>[] lanes = [new(), new()];
    private readonly Stack<LinkedListNode<TKey>> spareNodes = new();
    private readonly Dictionary<TKey, LinkedListNode<TKey>> queued = [];

    // Keys that need processing, with the highest priority asked for since they were last handed out. A key is
    // in a lane (queued) or, if processing, waits here for Done.
    private readonly Dictionary<TKey, QueuePriority> dirty = [];
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

    /// <summary>Keys ready to be handed out (both lanes).</summary>
    public int Count
    {
        get
        {
            lock (gate) return queued.Count;
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

    /// <summary>True while no key is ready and none is being processed (read at one instant; keys waiting for a delay do not count).</summary>
    public bool IsIdle
    {
        get
        {
            lock (gate) return queued.Count == 0 && processing.Count == 0;
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

    /// <summary>Keys ready in one lane.</summary>
    public int CountOf(QueuePriority priority)
    {
        lock (gate) return lanes[(int)priority].Count;
    }

    /// <summary>
    /// Queues the key now, unless it is already queued at this priority or higher. A key queued at a lower priority
    /// is promoted (moved to the end of the higher lane), not duplicated. Ignored after shutdown.
    /// </summary>
    public void Add(TKey key, QueuePriority priority = QueuePriority.High)
    {
        TaskCompletionSource? wake;
        lock (gate)
        {
            wake = AddLocked(key, priority);
        }

        wake?.TrySetResult();
    }

    /// <summary>
    /// Queues the key now (as <see cref="Add"/>) unless it is already scheduled to be processed by
    /// <paramref name="dueBy"/>: it is being processed right now, or a delayed add of it (AddAfter, a rate-limited
    /// retry) fires at or before <paramref name="dueBy"/>, whose priority is then raised to
    /// <paramref name="priority"/> if lower. A key already queued is handled as by <see cref="Add"/> (promoted if
    /// lower, never duplicated). Returns whether the key was added now (or was already queued).
    /// </summary>
    public bool AddUnlessScheduled(TKey key, DateTimeOffset dueBy, QueuePriority priority = QueuePriority.High)
    {
        TaskCompletionSource? wake;
        lock (gate)
        {
            if (shuttingDown)
            {
                return false;
            }

            if (processing.Contains(key) && !dirty.ContainsKey(key))
            {
                return false;
            }

            if (waiting.TryGetValue(key, out var pending) && pending.ReadyAt <= dueBy && !queued.ContainsKey(key))
            {
                pending.Priority = Max(pending.Priority, priority);
                return false;
            }

            wake = AddLocked(key, priority);
        }

        wake?.TrySetResult();
        return true;
    }

    /// <summary>
    /// Queues the key after a delay. A key already waiting keeps the earlier of the two times and the higher of the
    /// two priorities.
    /// </summary>
    public void AddAfter(TKey key, TimeSpan delay, QueuePriority priority = QueuePriority.High)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key, priority);
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
                    existing.Priority = Max(existing.Priority, priority);
                    return;
                }

                priority = Max(existing.Priority, priority);
                existing.Timer.Dispose();
            }

            var entry = new Waiting(readyAt, priority);
            waiting[key] = entry;
            entry.Timer = StartTimer(key, entry, delay);
        }
    }

    // The timer must not capture the caller's ExecutionContext: a requeue made at the end of a reconcile would keep that
    // reconcile's Activity, its tags and async locals alive for the whole delay (one timer per object: measured ~430
    // bytes per policy at 10,000), and the work it triggers owes that context nothing.
    private ITimer StartTimer(TKey key, Waiting entry, TimeSpan delay)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return Create();
        }

        using (ExecutionContext.SuppressFlow())
        {
            return Create();
        }

        ITimer Create() => time.CreateTimer(_ => Fire(key, entry), null, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Queues the key after the rate limiter's delay (a retry).</summary>
    public void AddRateLimited(TKey key, QueuePriority priority = QueuePriority.High)
    {
        ControllerTelemetry.QueueRetries.Add(1, nameTag);
        AddAfter(key, limiter.When(key), priority);
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
        var (ok, key, _) = await GetWithPriorityAsync(ct).ConfigureAwait(false);
        return (ok, key);
    }

    /// <summary>As <see cref="GetAsync"/>, also telling the lane the key came from (a retry can keep it).</summary>
    public async Task<(bool Ok, TKey Key, QueuePriority Priority)> GetWithPriorityAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (shuttingDown)
                {
                    return (false, default!, default);
                }

                for (var p = lanes.Length - 1; p >= 0; p--)
                {
                    var node = lanes[p].First;
                    if (node is null)
                    {
                        continue;
                    }

                    var key = node.Value;
                    lanes[p].RemoveFirst();
                    Recycle(node);
                    queued.Remove(key);
                    ControllerTelemetry.QueueDepth.Add(-1, nameTag);
                    dirty.Remove(key, out var priority);
                    processing.Add(key);
                    return (true, key, priority);
                }

                wait = signal.Task;
            }

            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Marks the key processed; if it was re-added meanwhile it is queued now, at the priority asked for.</summary>
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

            if (!shuttingDown && dirty.TryGetValue(key, out var priority))
            {
                wake = EnqueueLocked(key, priority);
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
                ControllerTelemetry.QueueDepth.Add(-queued.Count, nameTag);
                foreach (var lane in lanes) lane.Clear();
                queued.Clear();
                spareNodes.Clear();
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

    private static QueuePriority Max(QueuePriority a, QueuePriority b) => a >= b ? a : b;

    private TaskCompletionSource? AddLocked(TKey key, QueuePriority priority)
    {
        if (shuttingDown)
        {
            return null;
        }

        if (dirty.TryGetValue(key, out var current))
        {
            if (current >= priority)
            {
                return null;
            }

            // Promotion: the key keeps one place, now in the higher lane. If it is processing it has no place yet;
            // Done queues it at the raised priority.
            dirty[key] = priority;
            if (queued.TryGetValue(key, out var node))
            {
                node.List!.Remove(node);
                lanes[(int)priority].AddLast(node);
                ControllerTelemetry.QueuePromotions.Add(1, nameTag);
            }

            return null;
        }

        dirty.Add(key, priority);
        ControllerTelemetry.QueueAdds.Add(1, nameTag, ControllerTelemetry.Tag("priority", priority == QueuePriority.High ? "high" : "low"));
        return processing.Contains(key) ? null : EnqueueLocked(key, priority);
    }

    private TaskCompletionSource EnqueueLocked(TKey key, QueuePriority priority)
    {
        LinkedListNode<TKey> node;
        if (spareNodes.TryPop(out var spare))
        {
            node = spare;
            node.Value = key;
        }
        else
        {
            node = new LinkedListNode<TKey>(key);
        }

        lanes[(int)priority].AddLast(node);
        queued.Add(key, node);
        ControllerTelemetry.QueueDepth.Add(1, nameTag);

        // Every waiter wakes and re-checks; the signal is replaced so later waits block again.
        var wake = signal;
        signal = NewSignal();
        return wake;
    }

    private void Recycle(LinkedListNode<TKey> node)
    {
        // Bounded so that a burst does not pin its nodes forever; the key is cleared so it is not kept alive.
        if (spareNodes.Count < 1024)
        {
            node.Value = default!;
            spareNodes.Push(node);
        }
    }

    private void Fire(TKey key, Waiting entry)
    {
        TaskCompletionSource? wake;
        lock (gate)
        {
            if (!waiting.TryGetValue(key, out var current) || !ReferenceEquals(current, entry))
            {
                return;
            }

            waiting.Remove(key);
            entry.Timer.Dispose();
            wake = AddLocked(key, entry.Priority);
        }

        wake?.TrySetResult();
    }

    private sealed class Waiting(DateTimeOffset readyAt, QueuePriority priority)
    {
        public DateTimeOffset ReadyAt { get; } = readyAt;

        public QueuePriority Priority { get; set; } = priority;

        public ITimer Timer { get; set; } = null!;
    }
}
