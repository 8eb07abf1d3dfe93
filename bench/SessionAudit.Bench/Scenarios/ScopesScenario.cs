using SessionAudit.Bench.Output;
using static SessionAudit.Bench.Scenarios.ScenarioContext;

namespace SessionAudit.Bench.Scenarios;

/// <summary>
/// Memory where most installations live: 100 and 500 policies spread over every account and region of the world
/// (10 x 5 = 50 AWS scopes by default), measured after a drift check of every policy, so each scope has made every
/// client it uses and each policy has been reconciled twice.
/// </summary>
public static class ScopesScenario
{
    // Targets of the memory issue: an operator for tens to hundreds of policies fits a small pod.
    private static readonly (int Policies, double TargetMb)[] Sizes = [(100, 140), (500, 160)];

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(ScenarioContext c, CancellationToken ct)
    {
        var results = new List<BenchResult>();
        foreach (var (n, target) in c.Options.Policies is { } p ? [(p, double.NaN)] : Sizes)
        {
            results.Add(await RunOneAsync(c, n, target, ct));
        }

        return results;
    }

    private static async Task<BenchResult> RunOneAsync(ScenarioContext c, int n, double targetMb, CancellationToken ct)
    {
        var began = c.Clock.Now;
        var latencyMs = c.Options.AwsLatencyMs ?? 5;
        var scopes = c.Options.Accounts * c.Options.Regions;
        c.Log($"scopes: {n} policies over {scopes} scopes ({c.Options.Accounts} accounts x {c.Options.Regions} regions), AWS latency {latencyMs} ms");
        await using var run = await c.StartAsync("5m", TimeSpan.FromMilliseconds(latencyMs), ct);
        var cold = await c.CreateAndWaitAsync(run, n, TimeSpan.FromSeconds(120), ct, driftCheckInterval: "30s");
        var (rssReady, _) = run.Operator.Memory();
        var checkedAll = await c.WaitForDriftCheckAsync(run, n, TimeSpan.FromSeconds(120), ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var (rssChecked, _) = run.Operator.Memory();

        // Where the operator lives between bursts: once its idle memory trim has run after the drift check (it looks
        // once a minute; at most 70 s are waited), RSS sampled each second over one drift interval (30 s, so one burst of
        // drift checks is inside it): the figure is the samples' mean, beside the largest.
        const string trimsMetric = "sessionaudit_controller_memory_trims_total";
        var trimsBefore = (await run.Operator.ScrapeAsync(ct)).Sum(trimsMetric) ?? 0;
        var waitedFrom = c.Clock.Now;
        bool trimmed;
        while (!(trimmed = ((await run.Operator.ScrapeAsync(ct)).Sum(trimsMetric) ?? 0) > trimsBefore) && c.Clock.Now - waitedFrom < 70)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        var waitedForTrim = c.Clock.Now - waitedFrom;
        var settled = new List<double>();
        for (var t = 0; t < 30; t++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            settled.Add(run.Operator.Memory().Rss);
        }
        var metrics = await run.Operator.ScrapeAsync(ct);
        var (_, peak) = run.Operator.Memory();
        var breakdown = await c.MemoryBreakdownAsync(run, $"scopes-{n}", ct);
        // Not settled without a trim: the figure would be the un-trimmed one under another name.
        var steady = checkedAll && trimmed ? settled.Average() : (double?)null;
        var name = $"RSS with {n:N0} policies over {scopes} scopes, settled after a drift check of each";
        var check = double.IsNaN(targetMb)
            ? new TargetCheck(name, "-", F(steady, " MB", 1) + $" (peak {F(peak, " MB", 1)})", steady is null ? false : null)
            : new TargetCheck(name, $"<= {targetMb:0} MB", F(steady, " MB", 1) + $" (peak {F(peak, " MB", 1)})", steady <= targetMb);
        c.Log($"scopes-{n}: RSS {F(rssReady, " MB", 1)} when all Ready, {F(rssChecked, " MB", 1)} right after the drift check, settled {F(steady, " MB", 1)} (largest sample of the last 30 s {F(settled.Max(), " MB", 1)}; peak {F(peak, " MB", 1)}; {metrics.Sum(trimsMetric) ?? 0} idle memory trims, {(trimmed ? $"the first after the drift check {waitedForTrim:0} s after it" : "none within 70 s of the drift check: not settled")}); {breakdown}");
        return new BenchResult
        {
            Scenario = $"scopes-{n}",
            Policies = n,
            ReadyPolicies = run.Watch.ReadyCount,
            AwsLatencyMs = latencyMs,
            Accounts = c.Options.Accounts,
            Regions = c.Options.Regions,
            Concurrency = c.Options.Concurrency,
            ColdStartSeconds = Stats.Round(cold.AllReadySeconds),
            RssMegabytes = Stats.Round(rssReady, 1),
            RssAfterDriftCheckMegabytes = steady is { } s ? Stats.Round(s, 1) : null,
            RssRightAfterDriftCheckMegabytes = Stats.Round(rssChecked, 1),
            PeakRssMegabytes = Stats.Round(peak, 1),
            GcHeapMegabytes = GcHeapMegabytes(metrics) is { } g ? Stats.Round(g, 1) : null,
            Checks = [check],
            Notes = [breakdown],
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
    }
}
