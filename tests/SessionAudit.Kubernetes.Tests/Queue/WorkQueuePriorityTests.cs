using Microsoft.Extensions.Time.Testing;
using SessionAudit.Kubernetes.Queue;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Queue;

public sealed class WorkQueuePriorityTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static WorkQueue<string> NewQueue(TimeProvider? time = null) =>
        new(MaxOfRateLimiter<string>.Default(new QueueRateLimits(), time ?? TimeProvider.System), time);

    private static async Task<List<string>> DrainAsync(WorkQueue<string> q)
    {
        var order = new List<string>();
        while (q.Count > 0)
        {
            var (_, key) = await q.GetAsync(Ct);
            order.Add(key);
            q.Done(key);
        }

        return order;
    }

    [Fact]
    public async Task High_keys_are_handed_out_before_low_keys_each_lane_first_in_first_out()
    {
        using var q = NewQueue();
        q.Add("low1", QueuePriority.Low);
        q.Add("low2", QueuePriority.Low);
        q.Add("high1");
        q.Add("low3", QueuePriority.Low);
        q.Add("high2", QueuePriority.High);
        Assert.Equal(2, q.CountOf(QueuePriority.High));
        Assert.Equal(3, q.CountOf(QueuePriority.Low));
        Assert.Equal(["high1", "high2", "low1", "low2", "low3"], await DrainAsync(q));
    }

    [Fact]
    public async Task A_low_key_added_at_high_priority_is_promoted_not_duplicated()
    {
        using var q = NewQueue();
        q.Add("a", QueuePriority.Low);
        q.Add("b", QueuePriority.Low);
        q.Add("c", QueuePriority.Low);
        q.Add("x");
        q.Add("b");
        Assert.Equal(4, q.Count);
        Assert.Equal(2, q.CountOf(QueuePriority.High));

        // b is behind x (end of the high lane), and appears once.
        Assert.Equal(["x", "b", "a", "c"], await DrainAsync(q));
    }

    [Fact]
    public async Task A_high_key_added_again_at_low_priority_keeps_its_place()
    {
        using var q = NewQueue();
        q.Add("a", QueuePriority.Low);
        q.Add("h");
        q.Add("h", QueuePriority.Low);
        Assert.Equal(1, q.CountOf(QueuePriority.High));
        Assert.Equal(["h", "a"], await DrainAsync(q));
    }

    [Fact]
    public async Task A_key_readded_while_processing_is_queued_at_Done_at_the_highest_priority_asked_for()
    {
        using var q = NewQueue();
        q.Add("k", QueuePriority.Low);
        var first = await q.GetWithPriorityAsync(Ct);
        Assert.Equal(("k", QueuePriority.Low), (first.Key, first.Priority));

        q.Add("other", QueuePriority.Low);
        q.Add("k", QueuePriority.Low);
        q.Add("k", QueuePriority.High);
        q.Add("k", QueuePriority.Low);
        Assert.Equal(1, q.Count);

        q.Done("k");
        Assert.Equal(2, q.Count);
        var second = await q.GetWithPriorityAsync(Ct);
        Assert.Equal(("k", QueuePriority.High), (second.Key, second.Priority));
        q.Done("k");
        Assert.Equal(["other"], await DrainAsync(q));
    }

    [Fact]
    public async Task AddAfter_fires_into_its_lane_keeping_the_earliest_time_and_the_highest_priority()
    {
        var time = new FakeTimeProvider();
        using var q = NewQueue(time);
        q.Add("first", QueuePriority.Low);
        q.AddAfter("a", TimeSpan.FromSeconds(5), QueuePriority.Low);
        q.AddAfter("a", TimeSpan.FromSeconds(9), QueuePriority.High);
        q.AddAfter("b", TimeSpan.FromSeconds(5), QueuePriority.Low);
        Assert.Equal(2, q.WaitingCount);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, q.WaitingCount);
        Assert.Equal(["a", "first", "b"], await DrainAsync(q));
    }

    [Fact]
    public async Task AddUnlessScheduled_leaves_a_key_to_its_delayed_add_only_when_that_fires_by_the_deadline()
    {
        var time = new FakeTimeProvider();
        using var q = NewQueue(time);
        var now = time.GetUtcNow();
        q.AddAfter("soon", TimeSpan.FromSeconds(30), QueuePriority.Low);
        q.AddAfter("exact", TimeSpan.FromSeconds(60), QueuePriority.Low);
        q.AddAfter("late", TimeSpan.FromSeconds(90), QueuePriority.Low);

        var deadline = now + TimeSpan.FromSeconds(60);
        Assert.False(q.AddUnlessScheduled("soon", deadline, QueuePriority.Low));
        Assert.False(q.AddUnlessScheduled("exact", deadline, QueuePriority.Low));
        Assert.True(q.AddUnlessScheduled("late", deadline, QueuePriority.Low));
        Assert.True(q.AddUnlessScheduled("none", deadline, QueuePriority.Low));
        Assert.Equal(["late", "none"], await DrainAsync(q));
        Assert.Equal(3, q.WaitingCount);

        // Skipped keys are not lost: their own delayed add delivers them.
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(["soon", "exact"], await DrainAsync(q));
    }

    [Fact]
    public async Task AddUnlessScheduled_raises_the_priority_of_the_delayed_add_it_defers_to()
    {
        var time = new FakeTimeProvider();
        using var q = NewQueue(time);
        q.AddAfter("k", TimeSpan.FromSeconds(1), QueuePriority.Low);
        Assert.False(q.AddUnlessScheduled("k", time.GetUtcNow() + TimeSpan.FromSeconds(2), QueuePriority.High));
        q.Add("low", QueuePriority.Low);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["k", "low"], await DrainAsync(q));
    }

    [Fact]
    public async Task AddUnlessScheduled_leaves_a_key_being_processed_to_the_reconcile_in_flight()
    {
        using var q = NewQueue();
        q.Add("k", QueuePriority.Low);
        var (_, key) = await q.GetAsync(Ct);
        Assert.False(q.AddUnlessScheduled(key, DateTimeOffset.UtcNow, QueuePriority.Low));
        q.Done(key);
        Assert.Equal(0, q.Count);

        // An event meanwhile still counts: the resync-style add then just joins it.
        q.Add("k", QueuePriority.Low);
        (_, key) = await q.GetAsync(Ct);
        q.Add(key);
        Assert.True(q.AddUnlessScheduled(key, DateTimeOffset.UtcNow, QueuePriority.Low));
        q.Done(key);
        var again = await q.GetWithPriorityAsync(Ct);
        Assert.Equal(("k", QueuePriority.High), (again.Key, again.Priority));
    }

    [Fact]
    public async Task A_rate_limited_retry_keeps_the_lane_it_is_given_and_the_backoff()
    {
        var time = new FakeTimeProvider();
        using var q = NewQueue(time);
        q.Add("low", QueuePriority.Low);
        q.AddRateLimited("retry", QueuePriority.High);
        time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(1, q.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["retry", "low"], await DrainAsync(q));
        Assert.Equal(1, q.Retries("retry"));
    }

    [Fact]
    public void Shutdown_clears_both_lanes()
    {
        using var q = NewQueue();
        q.Add("a", QueuePriority.Low);
        q.Add("b");
        q.ShutDown();
        Assert.Equal(0, q.Count);
        q.Add("c", QueuePriority.Low);
        Assert.Equal(0, q.CountOf(QueuePriority.Low));
    }
}
