using System.Globalization;
using SessionAudit.Bench.Output;
using SessionAudit.Bench.World;
using SessionAudit.Testing.Harness;

namespace SessionAudit.Bench.Scenarios;

/// <summary>What every scenario shares: the options, the clock, progress output, and a world with operator and watch.</summary>
public sealed class ScenarioContext(BenchOptions options, BenchClock clock, TextWriter log)
{
    public BenchOptions Options { get; } = options;

    public BenchClock Clock { get; } = clock;

    public void Log(string message) =>
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Clock.Now,7:0.0}s] {message}"));

    /// <summary>A fresh world, the operator started against it and a watch on every policy.</summary>
    public async Task<Running> StartAsync(string resync, TimeSpan awsLatency, CancellationToken ct, double throttleShare = 0)
    {
        var world = await BenchWorld.StartAsync(Options.Accounts, Options.Regions, ct);
        world.SetAwsFaults(awsLatency, throttleShare);
        var op = await OperatorRun.StartAsync(world, Clock, Options.Concurrency, resync, Options.OperatorEnvironment, ct);
        var watch = new PolicyWatch(world, Clock);
        await watch.StartAsync(ct);
        return new Running(world, op, watch);
    }

    /// <summary>Creates policies [0, n) and waits until each is Ready at generation 1 (or the deadline passes).</summary>
    public async Task<ColdStart> CreateAndWaitAsync(Running run, int n, TimeSpan timeout, CancellationToken ct, string driftCheckInterval = "5m")
    {
        var t0 = Clock.Now;
        var sent = await run.World.CreatePoliciesAsync(0, n, Clock, ct, driftCheckInterval: driftCheckInterval);
        var created = Clock.Now - t0;
        Log($"created {n} policies in {created:0.0}s; waiting for Ready");
        var all = await Eventually.WithinAsync(() => run.Watch.ReadyCount >= n, timeout, ct);
        var latencies = new List<double>();
        var last = t0;
        foreach (var (name, at) in sent)
        {
            if (run.Watch.ReadyAt(name, 1) is { } ready)
            {
                latencies.Add(ready - at);
                last = Math.Max(last, ready);
            }
        }

        if (!all)
        {
            var reasons = run.Watch.Latest.Values.Where(p => p.Ready != "True").GroupBy(p => p.ReadyReason ?? "(no status)")
                .Select(g => $"{g.Key}={g.Count()}");
            Log($"NOT all Ready within {timeout.TotalSeconds:0}s: {run.Watch.ReadyCount}/{n}; not ready by reason: {string.Join(", ", reasons)}");
            await DiagnoseNotReadyAsync(run, sent.Keys.Where(name => run.Watch.ReadyAt(name, 1) is null).Take(5), ct);
        }

        return new ColdStart(t0, created, last - t0, latencies);
    }

    /// <summary>
    /// Waits until the operator has reconciled every one of <paramref name="n"/> policies once more after they were Ready
    /// (its own reconcile count, not the watch: a no-op check writes nothing); false when the deadline passed first.
    /// </summary>
    public async Task<bool> WaitForDriftCheckAsync(Running run, int n, TimeSpan timeout, CancellationToken ct)
    {
        var atReady = (await run.Operator.ScrapeAsync(ct)).Sum("sessionaudit_controller_reconcile_count") ?? 0;
        for (var deadline = Clock.Now + timeout.TotalSeconds; Clock.Now < deadline;)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            if (((await run.Operator.ScrapeAsync(ct)).Sum("sessionaudit_controller_reconcile_count") ?? 0) >= atReady + n)
            {
                return true;
            }
        }

        Log($"not every policy was checked again within {timeout.TotalSeconds:0}s");
        return false;
    }

    /// <summary>
    /// Where the operator's memory is: anonymous and file-backed RSS, the GC's committed memory and the largest mappings;
    /// with SESSION_AUDIT_BENCH_GCDUMP naming the dotnet-gcdump tool, also a heap dump (kept in the bench's results
    /// folder) and its largest types.
    /// </summary>
    public async Task<string> MemoryBreakdownAsync(Running run, string label, CancellationToken ct)
    {
        var (anon, file, largest) = run.Operator.MemoryBreakdown();
        var committed = (await run.Operator.ScrapeAsync(ct)).Sum("dotnet_gc_last_collection_memory_committed_size_bytes") / 1024 / 1024;
        var text = $"anonymous {anon:0.0} MB (GC committed {F(committed, " MB", 1)}), file-backed {file:0.0} MB; largest: "
            + string.Join(", ", largest.Select(l => $"{Path.GetFileName(l.Mapping)} {l.Mb} MB"));
        if (Environment.GetEnvironmentVariable("SESSION_AUDIT_BENCH_GCDUMP") is { Length: > 0 } tool)
        {
            Log($"{label}: " + await GcDump.CollectAsync(tool, run.Operator.Process.Id, label, ct));
        }

        return text;
    }

    // Which side lost a policy: the API's own copy (does it carry a status?) and what the operator asked of the API
    // about it (the stand-in's request log records the operator's identity).
    private async Task DiagnoseNotReadyAsync(Running run, IEnumerable<string> names, CancellationToken ct)
    {
        foreach (var name in names)
        {
            var text = await run.World.Http.GetStringAsync($"{run.World.CollectionPath}/{name}", ct);
            var obj = System.Text.Json.Nodes.JsonNode.Parse(text)!;
            var ready = obj["status"]?["conditions"]?.AsArray().FirstOrDefault(x => (string?)x?["type"] == "Ready");
            var requests = run.World.Kubernetes.RequestLog
                .Where(r => r.Name == name && r.Identity.Contains("session-audit-operator", StringComparison.Ordinal))
                .Select(r => $"{r.Verb}{(r.Subresource.Length > 0 ? "/" + r.Subresource : "")} {r.StatusCode}");
            var watched = run.Watch.Latest.TryGetValue(name, out var seen) ? $"watch saw Ready={seen.Ready ?? "none"}" : "watch never saw it";
            Log($"  {name}: API rv {obj["metadata"]?["resourceVersion"]}, Ready={ready?["status"] ?? "none"} ({ready?["reason"]}); {watched}; operator requests: [{string.Join(", ", requests)}]");
        }
    }

    public static string F(double? v, string unit = "", int digits = 2) =>
        v is null ? "n/a" : Stats.Round(v.Value, digits).ToString(CultureInfo.InvariantCulture) + unit;

    /// <summary>GC heap of the operator after its last collection, from its /metrics (the runtime's System.Runtime meter), in MB;
    /// null when not exposed or before the first collection (the runtime then reports 0).</summary>
    public static double? GcHeapMegabytes(PrometheusText metrics) =>
        metrics.Sum("dotnet_gc_last_collection_heap_size_bytes") is { } b and > 0 ? b / 1024 / 1024 : null;
}

/// <summary>A world with the operator running and a watch on its policies.</summary>
public sealed record Running(BenchWorld World, OperatorRun Operator, PolicyWatch Watch) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Watch.DisposeAsync();
        await Operator.DisposeAsync();
        await World.DisposeAsync();
    }
}

/// <summary>How a batch of creates went: when it began, how long the creates took, until the last was Ready, and each policy's create-to-Ready.</summary>
public sealed record ColdStart(double StartedAt, double CreateSeconds, double AllReadySeconds, IReadOnlyList<double> ReadyLatencies);
