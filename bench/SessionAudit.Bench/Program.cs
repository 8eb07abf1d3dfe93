using SessionAudit.Bench;
using SessionAudit.Bench.Micro;
using SessionAudit.Bench.Output;
using SessionAudit.Bench.Scenarios;
using SessionAudit.Bench.World;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

var clock = new BenchClock();
var context = new ScenarioContext(options, clock, Console.Out);
context.Log($"session-audit bench: {System.Text.Json.JsonSerializer.Serialize(Report.Machine())}");
var results = new List<BenchResult>();
var steps = new (string Name, Func<Task<IReadOnlyList<BenchResult>>> Run)[]
{
    ("memory", async () => [await MemoryScenario.RunAsync(context, cts.Token)]),
    ("startup", async () => [await StartupScenario.RunAsync(context, cts.Token)]),
    ("queue", async () => [await QueueThroughput.RunAsync(context, cts.Token)]),
    ("informer", async () => [await InformerMemory.RunAsync(context, cts.Token)]),
    ("coldstart", () => ColdStartScenario.RunAsync(context, cts.Token)),
    ("scopes", () => ScopesScenario.RunAsync(context, cts.Token)),
    ("steady", async () => [await SteadyStateScenario.RunAsync(context, cts.Token)]),
    ("change", async () => [await ChangeLatencyScenario.RunAsync(context, cts.Token)]),
    ("throttle", async () => [await ThrottlingScenario.RunAsync(context, cts.Token)]),
    ("report", async () => [await ReportScenario.RunAsync(context, cts.Token)]),
};

foreach (var (name, run) in steps)
{
    if (!options.Runs(name))
    {
        continue;
    }

    try
    {
        results.AddRange(await run());
    }
    catch (Exception e) when (e is not OperationCanceledException || !cts.IsCancellationRequested)
    {
        // One broken scenario must not hide the others' figures; it shows in the table as a failure.
        context.Log($"{name} failed: {e}");
        results.Add(new BenchResult { Scenario = name, Notes = [e.Message], Checks = [new TargetCheck(name, "runs", "failed: " + e.GetType().Name, false)] });
    }

    // Keep what was measured so far even if a later scenario fails or the run is cut short.
    if (options.JsonFile is { } partial)
    {
        Report.WriteJson(partial, results, options, clock.Now);
    }
}

Report.PrintTable(results, Console.Out);
context.Log($"done in {clock.Now:0.0}s");
if (options.JsonFile is { } path)
{
    Report.WriteJson(path, results, options, clock.Now);
    context.Log($"wrote {path}");
}

return 0;
