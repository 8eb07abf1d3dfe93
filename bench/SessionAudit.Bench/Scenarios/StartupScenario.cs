using SessionAudit.Bench.Output;
using SessionAudit.Bench.World;
using SessionAudit.Testing.Harness;
using static SessionAudit.Bench.Scenarios.ScenarioContext;

namespace SessionAudit.Bench.Scenarios;

/// <summary>
/// Start to first reconcile: a policy exists; the operator process is launched and timed until its reconcile makes
/// its first AWS call (the sandbox's call log). Three launches; the first also creates the policy's document.
/// </summary>
public static class StartupScenario
{
    private const int Launches = 3;

    public static async Task<BenchResult> RunAsync(ScenarioContext c, CancellationToken ct)
    {
        var began = c.Clock.Now;
        c.Log("startup: process launch to first reconcile, 3 launches");
        await using var world = await BenchWorld.StartAsync(c.Options.Accounts, c.Options.Regions, ct);
        await world.CreatePoliciesAsync(0, 1, c.Clock, ct);
        var firsts = new List<double>();
        var serving = new List<double>();
        for (var i = 0; i < Launches; i++)
        {
            var calls = world.Aws.CallLog.Count;
            await using var op = await OperatorRun.StartAsync(world, c.Clock, c.Options.Concurrency, "5m", c.Options.OperatorEnvironment, ct);
            serving.Add(op.ServingAt - op.StartedAt);
            if (await Eventually.WithinAsync(() => world.Aws.CallLog.Count > calls, TimeSpan.FromSeconds(30), ct))
            {
                firsts.Add(c.Clock.FromUtc(world.Aws.CallLog[calls].Time) - op.StartedAt);
            }
            else
            {
                c.Log($"launch {i + 1}: no reconcile within 30 s; the operator said:\n{string.Join('\n', op.Process.Output.TakeLast(30))}");
            }
        }

        var median = Stats.Percentile(firsts, 50);
        var max = firsts.Count > 0 ? firsts.Max() : (double?)null;
        c.Log($"startup: first reconcile after {string.Join(", ", firsts.Select(f => F(f, " s")))}; HTTP up after {string.Join(", ", serving.Select(f => F(f, " s")))}");
        return new BenchResult
        {
            Scenario = "startup",
            Policies = 1,
            StartupSeconds = median is { } m ? Stats.Round(m) : null,
            StartupMaxSeconds = max is { } x ? Stats.Round(x) : null,
            ServingSeconds = Stats.Round(Stats.Percentile(serving, 50) ?? 0),
            Notes = [$"launches: {string.Join(", ", firsts.Select(f => F(f, " s")))}"],
            Checks = [new("process start to first reconcile (median of 3)", "<= 2 s", $"{F(median, " s")} (max {F(max, " s")})", firsts.Count == Launches && median <= 2)],
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
    }
}
