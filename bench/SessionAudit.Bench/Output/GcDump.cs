using System.Diagnostics;
using System.Globalization;

namespace SessionAudit.Bench.Output;

/// <summary>
/// A heap dump of the operator with the dotnet-gcdump tool (a .NET tool from NuGet: <c>dotnet tool install dotnet-gcdump
/// --tool-path DIR</c>) and the largest types of its report; the dump stays in the temporary folder for a closer look.
/// </summary>
public static class GcDump
{
    public static async Task<string> CollectAsync(string tool, int pid, string label, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"session-audit-{label}-{pid}.gcdump");
        var (collected, collectOut) = await RunAsync(tool, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file], ct);
        if (!collected)
        {
            return "gcdump failed: " + collectOut.Trim();
        }

        var (reported, report) = await RunAsync(tool, ["report", file], ct);
        if (!reported)
        {
            return "gcdump report failed: " + report.Trim();
        }

        // The report starts with two totals ("N  GC Heap bytes", "N  GC Heap objects"), then lists types by total
        // size, largest first, after a header line.
        var lines = report.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && char.IsDigit(l[0])).ToList();
        var totals = lines.Where(l => l.Contains("GC Heap", StringComparison.Ordinal));
        var top = lines.Where(l => !l.Contains("GC Heap", StringComparison.Ordinal)).Take(12);
        return $"heap dump {file} ({string.Join(", ", totals)}); largest types: " + string.Join("; ", top);
    }

    private static async Task<(bool Ok, string Output)> RunAsync(string tool, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + tool);
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode == 0, await output + await error);
    }
}
