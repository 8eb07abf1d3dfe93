using System.Diagnostics;
using SessionAudit.Bench.Output;
using SessionAudit.Kubernetes.Queue;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Bench.Micro;

/// <summary>
/// Work-queue throughput with 10,000 keys, timed with a Stopwatch: each case runs once to warm up, then 5 times, and the
/// median is reported. Cases: distinct keys through 4 workers; the same keys added 10 times by 2 producers while 4
/// workers drain (dedup and "re-add while processing"); AddAfter with 1-5 ms delays (timers).
/// </summary>
public static class QueueThroughput
{
    private const int Keys = 10_000;
    private const int Workers = 4;

    public static async Task<BenchResult> RunAsync(Scenarios.ScenarioContext c, CancellationToken ct)
    {
        var began = c.Clock.Now;
        c.Log("queue: work-queue throughput, 10,000 keys");
        var keys = Enumerable.Range(0, Keys).Select(i => new ResourceKey(null, "policy-" + i)).ToArray();
        var distinct = await MedianAsync(() => DistinctAsync(keys, ct));
        var dedup = await MedianAsync(() => ReAddAsync(keys, ct));
        var delayed = await MedianAsync(() => AddAfterAsync(keys, ct));
        var micro = new Dictionary<string, double>
        {
            ["queueDistinctKeysPerSecond"] = Math.Round(Keys / distinct),
            ["queueReAddedKeysPerSecond"] = Math.Round(Keys * 10 / dedup),
            ["queueAddAfterKeysPerSecond"] = Math.Round(Keys / delayed),
            ["queueDistinctSecondsFor10000"] = Stats.Round(distinct, 4),
        };
        c.Log($"queue: {micro["queueDistinctKeysPerSecond"]:N0} distinct keys/s, {micro["queueReAddedKeysPerSecond"]:N0} adds/s with dedup, {micro["queueAddAfterKeysPerSecond"]:N0} AddAfter keys/s");
        return new BenchResult
        {
            Scenario = "queue",
            Policies = Keys,
            Micro = micro,
            Checks =
            [
                new("work queue: 10,000 distinct keys through 4 workers", "-", $"{micro["queueDistinctKeysPerSecond"]:N0} keys/s", null),
                new("work queue: 100,000 adds of 10,000 keys (dedup) with 4 workers", "-", $"{micro["queueReAddedKeysPerSecond"]:N0} adds/s", null),
                new("work queue: 10,000 AddAfter (1-5 ms)", "-", $"{micro["queueAddAfterKeysPerSecond"]:N0} keys/s", null),
            ],
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
    }

    private static async Task<double> MedianAsync(Func<Task<double>> run)
    {
        await run();
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            times.Add(await run());
        }

        return Stats.Percentile(times, 50)!.Value;
    }

    private static WorkQueue<ResourceKey> NewQueue() =>
        new(MaxOfRateLimiter<ResourceKey>.Default(new QueueRateLimits(), TimeProvider.System), TimeProvider.System, "bench");

    private static async Task<double> DistinctAsync(ResourceKey[] keys, CancellationToken ct)
    {
        using var queue = NewQueue();
        var done = 0;
        var sw = Stopwatch.StartNew();
        foreach (var k in keys)
        {
            queue.Add(k);
        }

        await DrainAsync(queue, () => Interlocked.Increment(ref done) >= keys.Length, ct);
        return sw.Elapsed.TotalSeconds;
    }

    private static async Task<double> ReAddAsync(ResourceKey[] keys, CancellationToken ct)
    {
        using var queue = NewQueue();
        var sw = Stopwatch.StartNew();
        // Two producers add every key five times each: 100,000 adds of 10,000 keys.
        var producers = Enumerable.Range(0, 2).Select(_ => Task.Run(
            () =>
            {
                for (var round = 0; round < 5; round++)
                {
                    foreach (var k in keys)
                    {
                        queue.Add(k);
                    }
                }
            },
            ct)).ToArray();
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(
            async () =>
            {
                while (true)
                {
                    var (ok, key) = await queue.GetAsync(ct);
                    if (!ok)
                    {
                        return;
                    }

                    queue.Done(key);
                }
            },
            ct)).ToArray();
        await Task.WhenAll(producers);

        // Producers are done; once nothing is queued or in flight, every add has been served.
        while (queue.Count > 0 || queue.ProcessingCount > 0)
        {
            await Task.Yield();
        }

        var elapsed = sw.Elapsed.TotalSeconds;
        queue.ShutDown();
        await Task.WhenAll(workers);
        return elapsed;
    }

    private static async Task<double> AddAfterAsync(ResourceKey[] keys, CancellationToken ct)
    {
        using var queue = NewQueue();
        var done = 0;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < keys.Length; i++)
        {
            queue.AddAfter(keys[i], TimeSpan.FromMilliseconds(1 + (i % 5)));
        }

        await DrainAsync(queue, () => Interlocked.Increment(ref done) >= keys.Length, ct);
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>Four workers take and finish keys until <paramref name="finished"/> says the last one is done.</summary>
    private static async Task DrainAsync(WorkQueue<ResourceKey> queue, Func<bool> finished, CancellationToken ct)
    {
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(
            async () =>
            {
                while (true)
                {
                    var (ok, key) = await queue.GetAsync(ct);
                    if (!ok)
                    {
                        return;
                    }

                    queue.Done(key);
                    if (finished())
                    {
                        all.TrySetResult();
                    }
                }
            },
            ct)).ToArray();
        await all.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        queue.ShutDown();
        await Task.WhenAll(workers);
    }
}
