using SessionAudit.Bench.Output;
using SessionAudit.Bench.World;
using static SessionAudit.Bench.Scenarios.ScenarioContext;

namespace SessionAudit.Bench.Scenarios;

/// <summary>
/// Throttling: every AWS service answers a share of calls (default 30 %) with its throttling error. Every policy must
/// still converge, and the calls per policy must stay near the unthrottled count divided by (1 - share), not storm.
/// </summary>
public static class ThrottlingScenario
{
    public static async Task<BenchResult> RunAsync(ScenarioContext c, CancellationToken ct)
    {
        var began = c.Clock.Now;
        var n = c.Options.Policies ?? 1_000;
        var share = c.Options.ThrottleShare ?? 0.3;
        var latencyMs = c.Options.AwsLatencyMs ?? 0;
        c.Log($"throttle: {n} policies, {share:P0} of AWS calls throttled, AWS latency {latencyMs} ms");

        // The same policies without throttling, for the calls a policy needs when nothing fails.
        double baseline;
        await using (var calm = await c.StartAsync("5m", TimeSpan.FromMilliseconds(latencyMs), ct))
        {
            var sample = Math.Min(n, 200);
            await c.CreateAndWaitAsync(calm, sample, TimeSpan.FromSeconds(120), ct);
            await SteadyStateScenario.WaitQuietAsync(calm, ct);
            baseline = (double)calm.World.Aws.CallLog.Count / sample;
        }

        await using var run = await c.StartAsync("5m", TimeSpan.FromMilliseconds(latencyMs), ct, throttleShare: share);
        var cold = await c.CreateAndWaitAsync(run, n, TimeSpan.FromSeconds(240), ct);
        await SteadyStateScenario.WaitQuietAsync(run, ct);
        var calls = AwsCallSummary.Of(run.World.Aws.CallLog);
        var log = Path.Combine(Path.GetTempPath(), "session-audit-bench-throttle-operator.log");
        await File.WriteAllLinesAsync(log, run.Operator.Process.Output, ct);
        c.Log($"throttle: operator output in {log}");
        var metrics = await run.Operator.ScrapeAsync(ct);
        var ready = run.Watch.ReadyCount;
        var reconciles = metrics.Sum("sessionaudit_controller_reconcile_count") ?? 0;
        var perPolicy = (double)calls.Total / n;

        // Each call is attempted at most 5 times (4 retries), so a policy that converges without any whole-reconcile
        // repeat costs at most 5x the calm count; the ideal is 1 / (1 - share) of it.
        var successful = (double)(calls.Total - calls.Throttled - calls.ServerErrors) / n;
        var ideal = baseline / (1 - share);
        var bound = baseline * 5;
        var bounded = perPolicy <= bound;
        c.Log($"throttle: {ready}/{n} Ready in {cold.AllReadySeconds:0.0}s; {perPolicy:0.00} calls/policy ({successful:0.00} succeeded; unthrottled {baseline:0.00}), {calls.Throttled} throttled");
        return new BenchResult
        {
            Scenario = "throttle",
            Policies = n,
            ReadyPolicies = ready,
            ThrottleShare = share,
            AwsLatencyMs = latencyMs,
            Accounts = c.Options.Accounts,
            Regions = c.Options.Regions,
            Concurrency = c.Options.Concurrency,
            ColdStartSeconds = Stats.Round(cold.AllReadySeconds),
            P50ReadySeconds = Stats.Percentile([.. cold.ReadyLatencies], 50) is { } a ? Stats.Round(a) : null,
            P99ReadySeconds = Stats.Percentile([.. cold.ReadyLatencies], 99) is { } b ? Stats.Round(b) : null,
            AwsCallsPerPolicy = Stats.Round(perPolicy, 2),
            AwsCallsPerPolicyUnthrottled = Stats.Round(baseline, 2),
            ThrottledResponses = calls.Throttled,
            Retries = metrics.Sum("sessionaudit_aws_retries"),
            AwsCallsByOperation = calls.ByOperation,
            RssMegabytes = Stats.Round(run.Operator.Memory().Rss, 1),
            GcHeapMegabytes = GcHeapMegabytes(metrics) is { } g ? Stats.Round(g, 1) : null,
            Notes = [$"{reconciles:0} reconciles ({reconciles / n:0.00} per policy), {metrics.Sum("sessionaudit_aws_retries") ?? 0:0} AWS retries"],
            Checks =
            [
                new($"{share:P0} throttling: policies converged", $"{n}/{n}", $"{ready}/{n} in {F(cold.AllReadySeconds, " s")}", ready == n),
                new($"{share:P0} throttling: AWS calls per policy", $"bounded: <= {F(bound)} (5 attempts x {F(baseline)} unthrottled)", $"{F(perPolicy)} = {F(perPolicy / baseline)}x unthrottled (ideal {F(ideal)}); {calls.Throttled} throttled, {F(successful)} succeeded/policy", bounded),
            ],
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
    }
}
