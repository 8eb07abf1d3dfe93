using SessionAudit.Bench.Output;
using SessionAudit.Bench.World;
using static SessionAudit.Bench.Scenarios.ScenarioContext;

namespace SessionAudit.Bench.Scenarios;

/// <summary>
/// Steady state: N converged policies, nothing changes, the operator re-checks AWS for drift. Time is compressed:
/// resync and driftCheckInterval are both 30 s instead of the default 5 m, and a 60 s window is counted. From it: AWS
/// writes (target 0), reads per no-op reconcile (target: one per configured concern), reconciles per policy per
/// interval (1 when resync and drift requeue coincide, 2 when each triggers its own), and the drift-check reads per
/// hour at the defaults (5 m).
/// </summary>
public static class SteadyStateScenario
{
    /// <summary>Concerns every bench policy configures, each observed with one read: bucket, log group, trail, document.</summary>
    public const int ConfiguredConcerns = 4;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    public static async Task<BenchResult> RunAsync(ScenarioContext c, CancellationToken ct)
    {
        var began = c.Clock.Now;
        var n = c.Options.Policies ?? 1_000;
        var latencyMs = c.Options.AwsLatencyMs ?? 0;
        c.Log($"steady: {n} policies, resync and driftCheckInterval {Interval.TotalSeconds:0}s, AWS latency {latencyMs} ms");
        await using var run = await c.StartAsync("30s", TimeSpan.FromMilliseconds(latencyMs), ct);
        var cold = await c.CreateAndWaitAsync(run, n, TimeSpan.FromSeconds(120), ct, driftCheckInterval: "30s");

        // Start counting on a quiet moment: the creation burst's own reconciles are over.
        await WaitQuietAsync(run, ct);
        var before = await run.Operator.ScrapeAsync(ct);
        var since = DateTimeOffset.UtcNow;
        run.Watch.ResetStatusUpdates();
        var window = Interval * 2;
        c.Log($"all Ready after {cold.AllReadySeconds:0.0}s; counting a {window.TotalSeconds:0}s window");
        await Task.Delay(window, ct);
        var after = await run.Operator.ScrapeAsync(ct);
        var calls = AwsCallSummary.Of(run.World.Aws.CallLog, since);
        var reconciles = (after.Sum("sessionaudit_controller_reconcile_count") ?? 0) - (before.Sum("sessionaudit_controller_reconcile_count") ?? 0);
        var readsPerReconcile = reconciles > 0 ? calls.Reads / reconciles : (double?)null;
        var perInterval = reconciles / n / (window / Interval);
        var statusWrites = run.Watch.TotalStatusUpdates;

        // At the defaults (resync 5m, driftCheckInterval 5m): 12 intervals an hour.
        var perHour = readsPerReconcile * perInterval * 12 * n;
        var (rss, peak) = run.Operator.Memory();
        var result = new BenchResult
        {
            Scenario = "steady",
            Policies = n,
            ReadyPolicies = run.Watch.ReadyCount,
            AwsLatencyMs = latencyMs,
            Accounts = c.Options.Accounts,
            Regions = c.Options.Regions,
            Concurrency = c.Options.Concurrency,
            ColdStartSeconds = Stats.Round(cold.AllReadySeconds),
            NoopWriteCalls = calls.Writes,
            NoopReadCallsPerPolicy = readsPerReconcile is { } r ? Stats.Round(r, 2) : null,
            MinimumReadCallsPerPolicy = ConfiguredConcerns,
            ReconcilesPerPolicyPerInterval = Stats.Round(perInterval, 2),
            DriftCheckReadsPerHour = perHour is { } h ? Math.Round(h) : null,
            StatusWritesPerReconcile = reconciles > 0 ? Stats.Round(statusWrites / reconciles, 2) : null,
            AwsCallsByOperation = calls.ByOperation,
            RssMegabytes = Stats.Round(rss, 1),
            PeakRssMegabytes = Stats.Round(peak, 1),
            GcHeapMegabytes = GcHeapMegabytes(after) is { } g ? Stats.Round(g, 1) : null,
            Notes = [$"window {window.TotalSeconds:0}s: {reconciles:0} reconciles, {calls.Reads} AWS reads, {calls.Writes} AWS writes, {statusWrites} status updates"],
            Checks =
            [
                new("no-op reconcile: AWS write calls", "0", calls.Writes.ToString(System.Globalization.CultureInfo.InvariantCulture), calls.Writes == 0),
                new("no-op reconcile: AWS reads per policy", $"<= {ConfiguredConcerns} (one per configured concern)", F(readsPerReconcile), readsPerReconcile <= ConfiguredConcerns),
                new("drift-check reads per hour at defaults (5m)", "-", $"{F(perHour, "", 0)} for {n} policies ({F(perInterval)} reconciles/policy/interval)", null),
            ],
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
        c.Log($"steady: {calls.Writes} writes, {F(readsPerReconcile)} reads/reconcile, {F(perInterval)} reconciles/policy/interval, {F(perHour, "", 0)} reads/hour at 5m");
        return result;
    }

    /// <summary>Waits until no status update has arrived for a second (at most 30 s).</summary>
    public static async Task WaitQuietAsync(Running run, CancellationToken ct)
    {
        var last = run.Watch.TotalStatusUpdates;
        var quietSince = DateTime.UtcNow;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(100, ct);
            var now = run.Watch.TotalStatusUpdates;
            if (now != last)
            {
                last = now;
                quietSince = DateTime.UtcNow;
            }
        }
    }
}
