using Microsoft.Extensions.Time.Testing;
using SessionAudit.Kubernetes.Queue;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Queue;

public sealed class WorkQueueTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static WorkQueue<string> NewQueue(TimeProvider? time = null) =>
        new(MaxOfRateLimiter<string>.Default(new QueueRateLimits(), time ?? TimeProvider.System), time);

    private static readonly AsyncLocal<object?> Ambient = new();

    [Fact]
    public async Task Is_idle_only_with_nothing_ready_and_nothing_processing_whatever_waits_for_a_delay()
    {
        var time = new FakeTimeProvider();
        using var q = NewQueue(time);
        Assert.True(q.IsIdle);

        q.AddAfter("later", TimeSpan.FromMinutes(1));
        Assert.True(q.IsIdle);

        q.Add("a");
        Assert.False(q.IsIdle);
        var (ok, key) = await q.GetAsync(Ct);
        Assert.True(ok);
        Assert.False(q.IsIdle);
        q.Done(key);
        Assert.True(q.IsIdle);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(q.IsIdle);
    }

    [Fact]
    public void A_delayed_add_does_not_keep_the_callers_execution_context_alive()
    {
        using var q = NewQueue();
        var context = AddAfterWithAmbientValue(q);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // The timer of the delayed add is still pending (an hour); what the caller had in its async locals (in the
        // operator: the reconcile's Activity and tags) must not be reachable through it.
        Assert.Equal(1, q.WaitingCount);
        Assert.False(context.IsAlive, "the delayed add's timer kept the caller's ExecutionContext alive");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference AddAfterWithAmbientValue(WorkQueue<string> q)
    {
        WeakReference? weak = null;
        ExecutionContext.Run(ExecutionContext.Capture()!, _ =>
        {
            var value = new byte[1024];
            weak = new WeakReference(value);
            Ambient.Value = value;
            q.AddAfter("a", TimeSpan.FromHours(1));
            Ambient.Value = null;
        }, null);
        return weak!;
    }

    [Fact]
    public async Task A_waiting_key_is_queued_once()
    {
        using var q = NewQueue();
        q.Add("a");
        q.Add("a");
        q.Add("b");
        Assert.Equal(2, q.Count);
        Assert.Equal("a", (await q.GetAsync(Ct)).Key);
        Assert.Equal("b", (await q.GetAsync(Ct)).Key);
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_out_again_until_done_and_a_readd_then_follows()
    {
        using var q = NewQueue();
        q.Add("a");
        var (_, key) = await q.GetAsync(Ct);
        q.Add("a");
        q.Add("a");
        Assert.Equal(0, q.Count);
        var second = q.GetAsync(Ct);
        await Task.Yield();
        Assert.False(second.IsCompleted);

        q.Done(key);
        Assert.Equal("a", (await second.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Key);
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public async Task AddAfter_delivers_after_the_delay_and_the_earlier_time_wins()
    {
        var time = new FakeTimeProvider();
        using var q = NewQueue(time);
        q.AddAfter("a", TimeSpan.FromSeconds(10));
        q.AddAfter("a", TimeSpan.FromSeconds(3));
        q.AddAfter("a", TimeSpan.FromSeconds(20));
        Assert.Equal(1, q.WaitingCount);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, q.Count);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, q.Count);
        Assert.Equal(0, q.WaitingCount);
        Assert.Equal("a", (await q.GetAsync(Ct)).Key);
    }

    [Fact]
    public void AddRateLimited_waits_exponentially_longer_per_failure_and_Forget_resets()
    {
        var time = new FakeTimeProvider();
        using var q = NewQueue(time);
        q.AddRateLimited("a"); // 5 ms
        time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(0, q.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, q.Count);

        Assert.Equal(1, q.Retries("a"));
        q.Forget("a");
        Assert.Equal(0, q.Retries("a"));
    }

    [Fact]
    public async Task Shutdown_with_drain_waits_for_keys_in_flight_and_stops_handing_out()
    {
        using var q = NewQueue();
        q.Add("a");
        q.Add("b");
        var (_, key) = await q.GetAsync(Ct);
        var drain = q.ShutDownWithDrainAsync(Ct);
        await Task.Yield();
        Assert.False(drain.IsCompleted);
        Assert.False((await q.GetAsync(Ct)).Ok);
        q.Add("c");
        Assert.Equal(0, q.Count);

        q.Done(key);
        await drain.WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task Shutdown_wakes_waiting_getters()
    {
        using var q = NewQueue();
        var waiting = q.GetAsync(Ct);
        q.ShutDown();
        Assert.False((await waiting.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Ok);
    }
}
