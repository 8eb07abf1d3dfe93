using SessionAudit.Bench.Output;
using static SessionAudit.Bench.Scenarios.ScenarioContext;

namespace SessionAudit.Bench.Scenarios;

/// <summary>Idle memory: the operator connected, its cache synced, no policies; RSS after it settles.</summary>
public static class MemoryScenario
{
    public static async Task<BenchResult> RunAsync(ScenarioContext c, CancellationToken ct)
    {
        var began = c.Clock.Now;
        c.Log("memory: idle operator (no policies)");
        await using var run = await c.StartAsync("5m", TimeSpan.Zero, ct);
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var metrics = await run.Operator.ScrapeAsync(ct);
        var (rss, peak) = run.Operator.Memory();
        var (anon, file, largest) = run.Operator.MemoryBreakdown();
        var breakdown = $"anonymous {anon:0.0} MB, file-backed {file:0.0} MB; largest: {string.Join(", ", largest.Select(l => $"{Path.GetFileName(l.Mapping)} {l.Mb} MB"))}";
        c.Log("memory: " + breakdown);
        c.Log($"memory: idle RSS {rss:0.0} MB (peak {peak:0.0} MB), GC heap {F(GcHeapMegabytes(metrics), " MB", 1)}");
        return new BenchResult
        {
            Scenario = "memory-idle",
            Policies = 0,
            RssMegabytes = Stats.Round(rss, 1),
            PeakRssMegabytes = Stats.Round(peak, 1),
            GcHeapMegabytes = GcHeapMegabytes(metrics) is { } g ? Stats.Round(g, 1) : null,
            Notes = [breakdown],
            Checks = [new("RSS idle", "<= 80 MB", $"{F(rss, " MB", 1)} (GC heap {F(GcHeapMegabytes(metrics), " MB", 1)})", rss <= 80)],
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
    }
}
