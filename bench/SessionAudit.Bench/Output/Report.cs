using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionAudit.Bench.Output;

/// <summary>The table on stdout and the JSON file: every figure against its target, and the machine it came from.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void PrintTable(IReadOnlyList<BenchResult> results, TextWriter output)
    {
        var rows = results.SelectMany(r => r.Checks.Select(c => (r.Scenario, c))).ToList();
        var w0 = Math.Max(8, rows.Select(r => r.Scenario.Length).DefaultIfEmpty().Max());
        var w1 = Math.Max(6, rows.Select(r => r.c.Metric.Length).DefaultIfEmpty().Max());
        var w2 = Math.Max(6, rows.Select(r => r.c.Target.Length).DefaultIfEmpty().Max());
        var w3 = Math.Max(8, rows.Select(r => r.c.Measured.Length).DefaultIfEmpty().Max());
        output.WriteLine();
        output.WriteLine($"{"scenario".PadRight(w0)}  {"metric".PadRight(w1)}  {"target".PadRight(w2)}  {"measured".PadRight(w3)}  met");
        output.WriteLine(new string('-', w0 + w1 + w2 + w3 + 13));
        foreach (var (scenario, c) in rows)
        {
            var met = c.Met switch { true => "yes", false => "NO", null => "-" };
            output.WriteLine($"{scenario.PadRight(w0)}  {c.Metric.PadRight(w1)}  {c.Target.PadRight(w2)}  {c.Measured.PadRight(w3)}  {met}");
        }

        output.WriteLine();
    }

    public static void WriteJson(string path, IReadOnlyList<BenchResult> results, BenchOptions options, double wallSeconds)
    {
        var document = new
        {
            machine = Machine(),
            options = new { options.Scenario, options.Policies, options.AwsLatencyMs, options.ThrottleShare, options.Accounts, options.Regions, options.Concurrency, operatorEnvironment = options.OperatorEnvironment },
            wallSeconds = Math.Round(wallSeconds, 1),
            targets = results.SelectMany(r => r.Checks.Select(c => new { scenario = r.Scenario, c.Metric, c.Target, c.Measured, c.Met })),
            scenarios = results,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, Json));
    }

    /// <summary>nproc, memory and CPU model, as /proc tells them.</summary>
    public static object Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(':', 2)[1].Trim().Split(' ')[0];
        return new
        {
            processors = Environment.ProcessorCount,
            memoryGigabytes = Math.Round(double.Parse(memKb, CultureInfo.InvariantCulture) / 1024 / 1024, 1),
            cpu,
            os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            loadAverage = File.ReadAllText("/proc/loadavg").Trim(),
        };
    }
}
