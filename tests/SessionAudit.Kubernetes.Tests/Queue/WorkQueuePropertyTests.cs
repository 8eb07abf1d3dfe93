using System.Collections.Concurrent;
using CsCheck;
using SessionAudit.Kubernetes.Queue;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Queue;

/// <summary>
/// Random schedules of producers and workers on real threads: whatever the interleaving, no key is processed
/// by two workers at once, and every add is followed by a processing of its key that started after it — whatever
/// lane it was added to, whether it was promoted, retried in its lane, or left by a resync-style AddUnlessScheduled to a
/// delayed add of its own.
/// </summary>
public sealed class WorkQueuePropertyTests
{
    [Fact]
    public void No_key_is_processed_concurrently_and_no_add_is_lost()
    {
        var gen = Gen.Int[1, 6].Select(Gen.Int[1, 4], Gen.Int[1, 8].Array[1, 60].Array[1, 4], Gen.Bool);
        gen.Sample((workers, keys, producerPlans, retry) => RunSchedule(workers, keys, producerPlans, retry), iter: 60, threads: 1);
    }

    private static void RunSchedule(int workers, int keys, int[][] producerPlans, bool retry)
    {
        var ct = TestContext.Current.CancellationToken;
        var limits = new QueueRateLimits { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(4), Qps = 100_000, Burst = 100_000 };
        using var q = new WorkQueue<int>(MaxOfRateLimiter<int>.Default(limits, TimeProvider.System));
        long clock = 0;
        var lastAdd = new ConcurrentDictionary<int, long>();
        var lastStart = new ConcurrentDictionary<int, long>();
        var inFlight = new ConcurrentDictionary<int, int>();
        var retried = new ConcurrentDictionary<int, int>();
        var violations = 0;
        using var stop = new CancellationTokenSource();

        var workerTasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                (bool ok, int key, QueuePriority priority) item;
                try
                {
                    item = await q.GetWithPriorityAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (!item.ok) return;
                var stamp = Interlocked.Increment(ref clock);
                lastStart.AddOrUpdate(item.key, stamp, (_, old) => Math.Max(old, stamp));
                if (inFlight.AddOrUpdate(item.key, 1, (_, n) => n + 1) > 1) Interlocked.Increment(ref violations);
                if (Random.Shared.Next(3) == 0) await Task.Yield();
                else Thread.SpinWait(Random.Shared.Next(200));
                inFlight.AddOrUpdate(item.key, 0, (_, n) => n - 1);

                // Some keys fail once and come back rate-limited: that path must not lose or duplicate work either.
                if (retry && retried.TryAdd(item.key, 0))
                {
                    var s = Interlocked.Increment(ref clock);
                    lastAdd.AddOrUpdate(item.key, s, (_, old) => Math.Max(old, s));
                    q.AddRateLimited(item.key, item.priority);
                }
                else
                {
                    q.Forget(item.key);
                }

                q.Done(item.key);
            }
        }, ct)).ToArray();

        var producers = producerPlans.Select(plan => Task.Run(() =>
        {
            foreach (var p in plan)
            {
                var key = p % keys;
                var stamp = Interlocked.Increment(ref clock);

                // A resync-style add that finds the key processing or a delayed add of it pending promises nothing
                // new (the work in flight or the delayed add serves it); only when it queues must a start follow.
                if (p % 4 == 1)
                {
                    if (q.AddUnlessScheduled(key, DateTimeOffset.UtcNow.AddMilliseconds(3), QueuePriority.Low))
                    {
                        lastAdd.AddOrUpdate(key, stamp, (_, old) => Math.Max(old, stamp));
                    }

                    continue;
                }

                lastAdd.AddOrUpdate(key, stamp, (_, old) => Math.Max(old, stamp));

                // Bulk adds (low), delayed adds (either lane) and events (high).
                switch (p % 4)
                {
                    case 0:
                        q.Add(key, QueuePriority.Low);
                        break;
                    case 2:
                        q.AddAfter(key, TimeSpan.FromMilliseconds(p % 3), p % 2 == 0 ? QueuePriority.Low : QueuePriority.High);
                        break;
                    default:
                        q.Add(key);
                        break;
                }

                if (p % 3 == 0) Thread.Yield();
            }
        }, ct)).ToArray();
        Task.WaitAll(producers, ct);

        // Quiescence: nothing ready, waiting or in flight.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (q.Count + q.WaitingCount + q.ProcessingCount > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }

        q.ShutDown();
        Task.WaitAll(workerTasks, ct);

        Assert.Equal(0, violations);
        foreach (var (key, added) in lastAdd)
        {
            Assert.True(lastStart.TryGetValue(key, out var started) && started > added, $"key {key} added at {added} but last started at {started}");
        }
    }
}
