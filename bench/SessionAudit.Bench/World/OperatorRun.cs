using System.Globalization;
using SessionAudit.Testing.Harness;

namespace SessionAudit.Bench.World;

/// <summary>`session-audit run` as its own process against the bench world: its RSS from /proc, its metrics from /metrics.</summary>
public sealed class OperatorRun : IAsyncDisposable
{
    private static readonly HttpClient Scraper = new() { Timeout = TimeSpan.FromSeconds(30) };

    private OperatorRun(OperatorProcess process, string metricsUrl, double startedAt, double servingAt)
    {
        Process = process;
        MetricsUrl = metricsUrl;
        StartedAt = startedAt;
        ServingAt = servingAt;
    }

    /// <summary>The operator build the bench runs: SESSION_AUDIT_BENCH_OPERATOR (a published build, e.g. ReadyToRun), or the
    /// session-audit.dll next to the bench.</summary>
    public static string Executable =>
        Environment.GetEnvironmentVariable("SESSION_AUDIT_BENCH_OPERATOR") is { Length: > 0 } path
            ? path
            : Path.Combine(AppContext.BaseDirectory, "session-audit.dll");

    public OperatorProcess Process { get; }

    public string MetricsUrl { get; }

    /// <summary>Bench clock when the process was launched.</summary>
    public double StartedAt { get; }

    /// <summary>Bench clock when it printed its HTTP address.</summary>
    public double ServingAt { get; }

    public static async Task<OperatorRun> StartAsync(
        BenchWorld world, BenchClock clock, int concurrency, string resync, IReadOnlyDictionary<string, string?> extraEnv, CancellationToken ct, string? kubeconfig = null, bool leaderElect = false)
    {
        var env = world.Sandbox.ProcessEnvironment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal);
        foreach (var (k, v) in extraEnv)
        {
            env[k] = v;
        }

        string[] args =
        [
            .. world.Sandbox.RunArguments(resync, kubeconfig ?? world.OperatorKubeconfig, leaderElect),
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--log-level", "Warning",
        ];
        var started = clock.Now;
        var process = OperatorProcess.Start(args, env, Executable);
        var url = await process.WaitForLineAsync("HTTP=", TimeSpan.FromSeconds(60), ct);
        var serving = clock.Now;
        url = url.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return new OperatorRun(process, url + "/metrics", started, serving);
    }

    /// <summary>Resident set size now (VmRSS) and at its peak (VmHWM), in MB.</summary>
    public (double Rss, double Peak) Memory()
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{Process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kb(line) / 1024.0;
            }
        }

        return (rss, peak);
    }

    /// <summary>Where the resident memory is: anonymous (heaps, JIT code, stacks) and file-backed (mapped assemblies and
    /// native libraries, shared with other processes), and the largest mappings, from /proc/PID/smaps.</summary>
    public (double AnonymousMb, double FileMb, IReadOnlyList<(string Mapping, double Mb)> Largest) MemoryBreakdown()
    {
        var sizes = new Dictionary<string, double>();
        double anon = 0, total = 0;
        var current = "";
        foreach (var line in File.ReadLines($"/proc/{Process.Id}/smaps"))
        {
            if (IsMappingHeader(line))
            {
                var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                current = parts.Length >= 6 ? parts[5].Trim() : "[anon]";
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                var mb = Kb(line) / 1024.0;
                total += mb;
                sizes[current] = sizes.GetValueOrDefault(current) + mb;
            }
            else if (line.StartsWith("Anonymous:", StringComparison.Ordinal))
            {
                anon += Kb(line) / 1024.0;
            }
        }

        var largest = sizes.OrderByDescending(kv => kv.Value).Take(12).Select(kv => (kv.Key, Math.Round(kv.Value, 1))).ToList();
        return (anon, total - anon, largest);
    }

    /// <summary>CPU seconds the process has used (user + system), from /proc/PID/stat.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    public async Task<PrometheusText> ScrapeAsync(CancellationToken ct) =>
        new(await Scraper.GetStringAsync(MetricsUrl, ct));

    // "7f12a000-7f12b000 r-xp 00000000 08:01 1234  /usr/lib/x.so": an address range, then a space.
    private static bool IsMappingHeader(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var dash = line.IndexOf('-', StringComparison.Ordinal);
        return space > 0 && dash > 0 && dash < space && line[..dash].All(char.IsAsciiHexDigit);
    }

    private static double Kb(string line) =>
        double.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            try
            {
                await Process.TerminateAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
            }
        }

        await Process.DisposeAsync();
    }
}

/// <summary>A Prometheus text exposition, summed by metric name and label filter.</summary>
public sealed class PrometheusText(string text)
{
    public string Text { get; } = text;

    /// <summary>Sum of every sample of <paramref name="name"/> whose labels contain all of <paramref name="labels"/>; null when absent.</summary>
    public double? Sum(string name, params string[] labels)
    {
        double? sum = null;
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal))
            {
                continue;
            }

            // Counters carry a _total suffix in the exposition.
            var rest = line[name.Length..];
            if (rest.StartsWith("_total", StringComparison.Ordinal))
            {
                rest = rest["_total".Length..];
            }

            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' '))
            {
                continue;
            }

            if (labels.Any(l => !rest.Contains(l, StringComparison.Ordinal)))
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var valueText = line.Contains('}', StringComparison.Ordinal)
                ? line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0]
                : parts[1];
            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                sum = (sum ?? 0) + v;
            }
        }

        return sum;
    }
}
