using System.Text.Json.Nodes;
using SessionAudit.Bench.Output;
using SessionAudit.Testing.Harness;
using static SessionAudit.Bench.Scenarios.ScenarioContext;

namespace SessionAudit.Bench.Scenarios;

/// <summary>
/// Change latency under load: N converged policies resynced every 10 s (so the work queue is always busy with them),
/// and one more policy whose spec is changed again and again; each change is timed from the PATCH to Ready at the
/// new generation.
/// </summary>
public static class ChangeLatencyScenario
{
    private const int Changes = 40;

    public static async Task<BenchResult> RunAsync(ScenarioContext c, CancellationToken ct)
    {
        var began = c.Clock.Now;
        var n = c.Options.Policies ?? 1_000;
        var latencyMs = c.Options.AwsLatencyMs ?? 0;
        c.Log($"change: 1 policy changed {Changes} times while {n} others resync every 10s, AWS latency {latencyMs} ms");
        await using var run = await c.StartAsync("10s", TimeSpan.FromMilliseconds(latencyMs), ct);

        // Policy n is the one that changes; 0..n-1 are the load.
        var cold = await c.CreateAndWaitAsync(run, n + 1, TimeSpan.FromSeconds(120), ct);
        var target = World.BenchWorld.PolicyName(n);
        var latencies = new List<double>();
        var missed = 0;
        var random = new Random(4);
        for (var i = 0; i < Changes; i++)
        {
            // Random phase against the resync period, so changes land in and between resync bursts.
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 600)), ct);
            var sent = c.Clock.Now;
            var generation = await run.World.PatchSpecAsync(target, new JsonObject { ["session"] = new JsonObject { ["idleTimeoutMinutes"] = 21 + (i % 30) } }, ct);
            if (await PolicyWatchWait(run, target, generation, ct) is { } ready)
            {
                latencies.Add(ready - sent);
            }
            else
            {
                missed++;
            }
        }

        var p50 = Stats.Percentile(latencies, 50);
        var p99 = Stats.Percentile(latencies, 99);
        var max = latencies.Count > 0 ? latencies.Max() : (double?)null;
        var metrics = await run.Operator.ScrapeAsync(ct);
        c.Log("change: each " + string.Join(" ", latencies.Select(l => l.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))));
        c.Log($"change: p50 {F(p50, " s")}, p99 {F(p99, " s")}, max {F(max, " s")}, {missed} not Ready within 30 s");
        return new BenchResult
        {
            Scenario = "change",
            Policies = n + 1,
            ReadyPolicies = run.Watch.ReadyCount,
            AwsLatencyMs = latencyMs,
            Accounts = c.Options.Accounts,
            Regions = c.Options.Regions,
            Concurrency = c.Options.Concurrency,
            ColdStartSeconds = Stats.Round(cold.AllReadySeconds),
            ChangeLatencyP50Seconds = p50 is { } a ? Stats.Round(a) : null,
            ChangeLatencyP99Seconds = p99 is { } b ? Stats.Round(b) : null,
            ChangeLatencyMaxSeconds = max is { } m ? Stats.Round(m) : null,
            GcHeapMegabytes = GcHeapMegabytes(metrics) is { } g ? Stats.Round(g, 1) : null,
            RssMegabytes = Stats.Round(run.Operator.Memory().Rss, 1),
            Notes = [$"{Changes} changes, {missed} not Ready within 30 s"],
            Checks = [new($"spec change to Ready, p99, while {n:N0} others resync", "<= 1 s", $"{F(p99, " s")} (p50 {F(p50, " s")}, {latencies.Count} samples)", missed == 0 && p99 <= 1.0)],
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
    }

    private static async Task<double?> PolicyWatchWait(Running run, string name, long generation, CancellationToken ct)
    {
        await Eventually.WithinAsync(() => run.Watch.ReadyAt(name, generation) is not null, TimeSpan.FromSeconds(30), ct);
        return run.Watch.ReadyAt(name, generation);
    }
}
