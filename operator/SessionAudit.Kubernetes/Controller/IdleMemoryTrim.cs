using Microsoft.Extensions.Logging;
using SessionAudit.Kubernetes.Telemetry;

namespace SessionAudit.Kubernetes.Controller;

/// <summary>
/// Gives the memory the GC keeps committed but no object uses back to the system while the controller has nothing to do.
/// A controller's work comes in bursts (the first list, a resync, a drift check of every object) and between them the
/// process is idle; the GC sizes its budgets for the burst and holds them afterwards (measured: 46 to 66 MB committed
/// around 9 MB of live objects, docs/PERFORMANCE.md). Every <c>interval</c>, at the first moment the work queue is empty and
/// no reconcile runs, if at least <see cref="MinimumAllocation"/> has been allocated since the last trim, one blocking, compacting,
/// decommitting collection runs (<see cref="GCCollectionMode.Aggressive"/>). Go's runtime does the same job with its
/// background scavenger.
/// </summary>
public sealed class IdleMemoryTrim
{
    private readonly TimeSpan interval;
    private readonly Func<bool> idle;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Func<long> allocated;
    private readonly Action collect;
    private readonly KeyValuePair<string, object?>[] tags;
    private long allocatedAtLastTrim;
    private int trims;

    /// <param name="interval">How often to look; at most one trim per interval.</param>
    /// <param name="idle">True while there is no work: nothing queued, nothing reconciling.</param>
    /// <param name="time">Clock of the waits.</param>
    /// <param name="logger">Receives a debug line per trim.</param>
    /// <param name="allocated">Bytes allocated so far (default: <see cref="GC.GetTotalAllocatedBytes"/>).</param>
    /// <param name="collect">The trim (default: an aggressive full collection).</param>
    /// <param name="tags">Tags of the <c>sessionaudit.controller.memory.trims</c> counter.</param>
    public IdleMemoryTrim(TimeSpan interval, Func<bool> idle, TimeProvider time, ILogger logger, Func<long>? allocated = null, Action? collect = null, KeyValuePair<string, object?>[]? tags = null)
    {
        this.interval = interval;
        this.idle = idle;
        this.time = time;
        this.logger = logger;
        this.allocated = allocated ?? (() => GC.GetTotalAllocatedBytes(precise: false));
        this.collect = collect ?? (() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));
        this.tags = tags ?? [];
    }

    /// <summary>Allocation since the last trim below which a trim has nothing worth giving back: the operator's gen0 budget,
    /// so an idle leader (Lease renewals, scrapes, watch bookmarks) is not collected in full every minute for a few
    /// hundred KB.</summary>
    public const long MinimumAllocation = 4 * 1024 * 1024;

    /// <summary>Number of trims so far.</summary>
    public int Trims => Volatile.Read(ref trims);

    /// <summary>How often, once an interval is up, the trim looks again for an idle moment while the controller is busy.</summary>
    public static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    /// <summary>Every interval, trims at the first idle moment from then on (looking every <see cref="IdlePoll"/> until the
    /// next tick is near), so bursts that recur on the same period (drift checks every minute of policies created together)
    /// cannot keep every look busy. Runs until <paramref name="ct"/> fires.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        long? trimmedAt = null;
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            // A trim late in the last interval (found by polling) stands for this tick too: at most one per interval.
            if (trimmedAt is { } at && time.GetElapsedTime(at) < interval - IdlePoll)
            {
                continue;
            }

            var tick = time.GetTimestamp();
            Outcome outcome;
            while ((outcome = Look()) == Outcome.Busy && time.GetElapsedTime(tick) + IdlePoll < interval)
            {
                await Task.Delay(IdlePoll, time, ct).ConfigureAwait(false);
            }

            if (outcome == Outcome.Trimmed)
            {
                trimmedAt = time.GetTimestamp();
            }
        }
    }

    /// <summary>One look: trims if idle and <see cref="MinimumAllocation"/> or more was allocated since the last trim.</summary>
    public bool TrimIfIdle() => Look() == Outcome.Trimmed;

    private enum Outcome
    {
        Trimmed,
        Busy,
        NothingToGiveBack,
    }

    private Outcome Look()
    {
        var now = allocated();
        if (now - allocatedAtLastTrim < MinimumAllocation)
        {
            return Outcome.NothingToGiveBack;
        }

        if (!idle())
        {
            return Outcome.Busy;
        }

        var debug = logger.IsEnabled(LogLevel.Debug);
        var before = debug ? GC.GetTotalMemory(false) : 0;
        collect();
        allocatedAtLastTrim = now;
        Interlocked.Increment(ref trims);
        ControllerTelemetry.MemoryTrims.Add(1, tags);
        if (debug)
        {
            RuntimeLog.MemoryTrimmed(logger, before, GC.GetTotalMemory(false), GC.GetGCMemoryInfo().TotalCommittedBytes);
        }

        return Outcome.Trimmed;
    }
}
