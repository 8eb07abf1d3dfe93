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
        await using var run = await c.StartAsync("5m", TimeSpan.FromMilliseconds(latencyMs), ct, throttleShare: share);
        var cold = await c.CreateAndWaitAsync(run, n, TimeSpan.FromSeconds(240), ct);
        await SteadyStateScenario.WaitQuietAsync(run, ct);
        var calls = AwsCallSummary.Of(run.World.Aws.CallLog);
        var metrics = await run.Operator.ScrapeAsync(ct);
        var ready = run.Watch.ReadyCount;
        var perPolicy = (double)calls.Total / n;

        // What the same policies cost without throttling: the successful calls, one per needed call.
        var successful = (double)(calls.Total - calls.Throttled - calls.ServerErrors) / n;
        var expected = successful / (1 - share);
        var bounded = perPolicy <= expected * 1.5;
        c.Log($"throttle: {ready}/{n} Ready in {cold.AllReadySeconds:0.0}s; {perPolicy:0.00} calls/policy ({successful:0.00} succeeded), {calls.Throttled} throttled");
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
            AwsCallsPerPolicyUnthrottled = Stats.Round(successful, 2),
            ThrottledResponses = calls.Throttled,
            Retries = metrics.Sum("sessionaudit_aws_retries"),
            AwsCallsByOperation = calls.ByOperation,
            RssMegabytes = Stats.Round(run.Operator.Memory().Rss, 1),
            GcHeapMegabytes = GcHeapMegabytes(metrics) is { } g ? Stats.Round(g, 1) : null,
            Checks =
            [
                new($"{share:P0} throttling: policies converged", $"{n}/{n}", $"{ready}/{n} in {F(cold.AllReadySeconds, " s")}", ready == n),
                new($"{share:P0} throttling: AWS calls per policy", $"bounded: <= 1.5 x {F(expected)} (needed / (1 - share))", $"{F(perPolicy)} ({calls.Throttled} throttled answers)", bounded),
            ],
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
    }
}
