using SessionAudit.Bench.Output;
using SessionAudit.Bench.World;
using static SessionAudit.Bench.Scenarios.ScenarioContext;

namespace SessionAudit.Bench.Scenarios;

/// <summary>
/// Cold start: the operator idle, then N policies created as fast as the API takes them; time from the first create
/// to every policy Ready. 1, 100 and 1,000 at 20 ms AWS latency, 10,000 at 0 ms (the targets' conditions).
/// The 10,000 run also gives the memory at 10,000 policies.
/// </summary>
public static class ColdStartScenario
{
    public static async Task<IReadOnlyList<BenchResult>> RunAsync(ScenarioContext c, CancellationToken ct)
    {
        var sizes = c.Options.Policies is { } n ? [n] : new[] { 1, 100, 1_000, 10_000 };
        var results = new List<BenchResult>();
        foreach (var size in sizes)
        {
            var latency = c.Options.AwsLatencyMs ?? (size >= 10_000 ? 0 : 20);
            results.Add(await RunOneAsync(c, size, latency, ct));
        }

        return results;
    }

    private static async Task<BenchResult> RunOneAsync(ScenarioContext c, int n, int latencyMs, CancellationToken ct)
    {
        var began = c.Clock.Now;
        c.Log($"coldstart: {n} policies, AWS latency {latencyMs} ms, {c.Options.Accounts} accounts x {c.Options.Regions} regions, concurrency {c.Options.Concurrency}");
        await using var run = await c.StartAsync("5m", TimeSpan.FromMilliseconds(latencyMs), ct);
        var cpu0 = run.Operator.CpuSeconds();
        var timeout = TimeSpan.FromSeconds(Math.Clamp(n / 20.0, 60, 240));
        // The memory target is for an operator living with 10,000 policies, not only for the moment they turn Ready:
        // a drift check a minute after Ready (after the cold start here) lets the run measure once more after every
        // policy has been checked again.
        var targetRun = n == 10_000 && latencyMs == 0;
        var cold = await c.CreateAndWaitAsync(run, n, timeout, ct, driftCheckInterval: targetRun ? "60s" : "5m");

        // Let the last status writes and GCs settle before reading memory.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var metrics = await run.Operator.ScrapeAsync(ct);
        var (rss, peak) = run.Operator.Memory();
        var calls = AwsCallSummary.Of(run.World.Aws.CallLog);
        var p50 = Stats.Percentile([.. cold.ReadyLatencies], 50);
        var p99 = Stats.Percentile([.. cold.ReadyLatencies], 99);
        double? rssAfterDrift = null;
        string? breakdown = null;
        if (targetRun)
        {
            c.Log($"coldstart-{n}: RSS {F(rss, " MB", 1)} when all Ready; waiting for a drift check of every policy");
            var checkedAll = await c.WaitForDriftCheckAsync(run, n, TimeSpan.FromSeconds(180), ct);
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            var (rssNow, peakNow) = run.Operator.Memory();
            rssAfterDrift = checkedAll ? rssNow : null;
            peak = peakNow;
            breakdown = "after the drift check: " + await c.MemoryBreakdownAsync(run, $"coldstart-{n}", ct);
            c.Log($"coldstart-{n}: {breakdown}");
        }

        var checks = new List<TargetCheck>();
        var ready = run.Watch.ReadyCount;
        if (n == 1_000 && latencyMs == 20)
        {
            checks.Add(new("1,000 policies to all Ready (20 ms AWS latency)", "<= 30 s", F(cold.AllReadySeconds, " s"), ready == n && cold.AllReadySeconds <= 30));
        }
        else if (targetRun)
        {
            checks.Add(new("10,000 policies to all Ready (0 ms AWS latency)", "<= 60 s", F(cold.AllReadySeconds, " s"), ready == n && cold.AllReadySeconds <= 60));
            checks.Add(new("RSS with 10,000 policies, all Ready", "<= 250 MB", F(rss, " MB", 1) + $" (peak {F(peak, " MB", 1)})", rss <= 250));
            checks.Add(new("RSS with 10,000 policies, after a drift check of each", "<= 250 MB", F(rssAfterDrift, " MB", 1), rssAfterDrift <= 250));
            // The peak of 10,000 creates within seconds against the steady figure after the drift check.
            checks.Add(new("cold-start peak against the steady RSS", "<= 1.2 x", rssAfterDrift is { } steady && peak is { } top
                ? F(top / steady, " x") + $" ({F(top, " MB", 1)} / {F(steady, " MB", 1)})" : "n/a", rssAfterDrift is { } s2 && peak is { } p2 ? p2 <= 1.2 * s2 : null));
        }
        else
        {
            checks.Add(new($"{n:N0} policies to all Ready ({latencyMs} ms AWS latency)", "-", F(cold.AllReadySeconds, " s") + $" ({ready}/{n} Ready)", ready == n ? null : false));
        }

        var result = new BenchResult
        {
            Scenario = $"coldstart-{n}",
            Policies = n,
            ReadyPolicies = ready,
            AwsLatencyMs = latencyMs,
            Accounts = c.Options.Accounts,
            Regions = c.Options.Regions,
            Concurrency = c.Options.Concurrency,
            CreateSeconds = Stats.Round(cold.CreateSeconds),
            ColdStartSeconds = Stats.Round(cold.AllReadySeconds),
            P50ReadySeconds = p50 is { } a ? Stats.Round(a) : null,
            P99ReadySeconds = p99 is { } b ? Stats.Round(b) : null,
            AwsCallsByOperation = calls.ByOperation,
            AwsCallsPerPolicy = Stats.Round((double)calls.Total / n, 2),
            ThrottledResponses = calls.Throttled,
            Retries = metrics.Sum("sessionaudit_aws_retries"),
            RssMegabytes = Stats.Round(rss, 1),
            PeakRssMegabytes = Stats.Round(peak, 1),
            RssAfterDriftCheckMegabytes = rssAfterDrift is { } d ? Stats.Round(d, 1) : null,
            GcHeapMegabytes = GcHeapMegabytes(metrics) is { } g ? Stats.Round(g, 1) : null,
            OperatorCpuSeconds = Stats.Round(run.Operator.CpuSeconds() - cpu0, 1),
            Checks = checks,
            Notes = breakdown is null ? null : [breakdown],
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
        c.Log($"coldstart-{n}: all Ready in {F(cold.AllReadySeconds, " s")} ({ready}/{n}), p50 {F(p50, " s")}, p99 {F(p99, " s")}, RSS {F(rss, " MB", 1)}, {calls.Total} AWS calls");
        return result;
    }
}
