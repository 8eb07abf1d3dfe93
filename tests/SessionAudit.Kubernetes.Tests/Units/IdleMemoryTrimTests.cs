using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SessionAudit.Kubernetes.Controller;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Units;

public sealed class IdleMemoryTrimTests
{
    [Fact]
    public void Trims_only_while_idle_and_only_after_its_minimum_allocation_since_the_last_trim()
    {
        var idle = false;
        var allocated = 7L * IdleMemoryTrim.MinimumAllocation;
        var trims = 0;
        var trim = new IdleMemoryTrim(TimeSpan.FromMinutes(1), () => idle, new FakeTimeProvider(), NullLogger.Instance,
            () => allocated, () => trims++);

        Assert.False(trim.TrimIfIdle());
        Assert.Equal(0, trims);

        idle = true;
        Assert.True(trim.TrimIfIdle());
        Assert.Equal(1, trims);

        // Too little allocated since to be worth a full collection.
        allocated += IdleMemoryTrim.MinimumAllocation - 1;
        Assert.False(trim.TrimIfIdle());
        Assert.Equal(1, trims);

        allocated++;
        idle = false;
        Assert.False(trim.TrimIfIdle());
        idle = true;
        Assert.True(trim.TrimIfIdle());
        Assert.Equal(2, trims);
        Assert.Equal(2, trim.Trims);
    }

    [Fact]
    public async Task Looks_once_per_interval_until_cancelled()
    {
        var time = new FakeTimeProvider();
        var allocated = IdleMemoryTrim.MinimumAllocation;
        var trimmed = Channel();
        var trim = new IdleMemoryTrim(TimeSpan.FromMinutes(1), () => true, time, NullLogger.Instance,
            () => Volatile.Read(ref allocated), () => trimmed.Writer.TryWrite(time.GetUtcNow()));
        using var cts = new CancellationTokenSource();
        var start = time.GetUtcNow();
        var run = trim.RunAsync(cts.Token);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(trimmed.Reader.TryRead(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(start + TimeSpan.FromMinutes(1), await trimmed.Reader.ReadAsync(TestContext.Current.CancellationToken));

        Assert.True(SpinWait.SpinUntil(() => trim.Trims == 1, TimeSpan.FromSeconds(10)));

        Interlocked.Add(ref allocated, IdleMemoryTrim.MinimumAllocation);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(start + TimeSpan.FromMinutes(2), await trimmed.Reader.ReadAsync(TestContext.Current.CancellationToken));

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_busy_tick_trims_at_the_first_idle_moment_after_it_not_an_interval_later()
    {
        var time = new FakeTimeProvider();
        var idleFrom = time.GetUtcNow() + TimeSpan.FromSeconds(67);
        var trimmed = Channel();
        var trim = new IdleMemoryTrim(TimeSpan.FromMinutes(1), () => time.GetUtcNow() >= idleFrom, time, NullLogger.Instance,
            () => IdleMemoryTrim.MinimumAllocation, () => trimmed.Writer.TryWrite(time.GetUtcNow()));
        using var cts = new CancellationTokenSource();
        var start = time.GetUtcNow();
        var run = trim.RunAsync(cts.Token);

        // One fake second at a time, giving the loop a moment to set its next wait; the tick at 1:00 finds it busy.
        DateTimeOffset at = default;
        for (var s = 0; s < 120 && !trimmed.Reader.TryRead(out at); s++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        Assert.InRange(at - start, TimeSpan.FromSeconds(67), TimeSpan.FromSeconds(119));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_trim_found_late_in_an_interval_stands_for_the_next_tick_too()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var idleFrom = start + TimeSpan.FromSeconds(112);
        long allocated = 0;
        var trimmed = new List<TimeSpan>();
        var trim = new IdleMemoryTrim(TimeSpan.FromMinutes(1), () => time.GetUtcNow() >= idleFrom, time, NullLogger.Instance,
            () => Interlocked.Add(ref allocated, IdleMemoryTrim.MinimumAllocation), () => trimmed.Add(time.GetUtcNow() - start));
        using var cts = new CancellationTokenSource();
        var run = trim.RunAsync(cts.Token);

        // Busy at the ticks of 1:00 and 2:00's polls until 1:52; one fake second at a time up to 3:05.
        for (var s = 0; s < 185; s++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(2, trimmed.Count);
        Assert.InRange(trimmed[0], TimeSpan.FromSeconds(112), TimeSpan.FromSeconds(119));
        Assert.InRange(trimmed[1], TimeSpan.FromSeconds(180), TimeSpan.FromSeconds(185));
    }

    [Fact]
    public void The_default_trim_is_a_full_collection()
    {
        var trim = new IdleMemoryTrim(TimeSpan.FromMinutes(1), () => true, new FakeTimeProvider(), NullLogger.Instance);
        Garbage(2 * IdleMemoryTrim.MinimumAllocation); // a fresh test process may not have allocated 4 MiB yet
        var fullBefore = GC.CollectionCount(GC.MaxGeneration);

        Assert.True(trim.TrimIfIdle());
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > fullBefore);
        Assert.Equal(1, trim.Trims);
    }

    private static void Garbage(long bytes)
    {
        for (long made = 0; made < bytes; made += 64 * 1024)
        {
            GC.KeepAlive(new byte[64 * 1024]);
        }
    }

    [Fact]
    public void A_negative_interval_is_refused_and_zero_is_allowed()
    {
        Assert.Contains(new ControllerOptions { IdleMemoryTrim = TimeSpan.FromSeconds(-1) }.Validate(), m => m.StartsWith("IdleMemoryTrim", StringComparison.Ordinal));
        Assert.Empty(new ControllerOptions { IdleMemoryTrim = TimeSpan.Zero }.Validate());
    }

    private static System.Threading.Channels.Channel<DateTimeOffset> Channel() =>
        System.Threading.Channels.Channel.CreateUnbounded<DateTimeOffset>();
}
