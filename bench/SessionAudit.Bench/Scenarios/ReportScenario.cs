using System.Diagnostics;
using System.Globalization;
using System.Text;
using SessionAudit.Bench.Output;
using SessionAudit.Bench.World;
using SessionAudit.Sandbox.Aws;
using static SessionAudit.Bench.Scenarios.ScenarioContext;

namespace SessionAudit.Bench.Scenarios;

/// <summary>
/// The 30-day session report over 100,000 sessions (issue 6): `session-audit report` as its own process against the AWS
/// stand-in, paging DescribeSessions 200 at a time, once as CSV (every row streamed) and once as HTML (aggregates and the
/// newest rows). Wall time and peak RSS (VmHWM) of the report process.
/// </summary>
public static class ReportScenario
{
    private const int Sessions = 100_000;
    private const string AccessKey = "AKIABENCHREPORT00001";

    public static async Task<BenchResult> RunAsync(ScenarioContext c, CancellationToken ct)
    {
        var began = c.Clock.Now;
        c.Log($"report: seeding {Sessions:N0} sessions");
        await using var aws = await AwsSandbox.StartAsync(
            new AwsSandboxOptions { AccessKeyAccounts = new Dictionary<string, string> { [AccessKey] = "111122223333" } }, ct);
        aws.ApplySeed(Seed(Sessions));

        var micro = new Dictionary<string, double>();
        var notes = new List<string>();
        var checks = new List<TargetCheck>();
        foreach (var format in new[] { "csv", "html" })
        {
            var output = Path.Combine(Path.GetTempPath(), $"session-audit-bench-report.{format}");
            var (seconds, peak, exit) = await RunReportAsync(aws, format, output, ct);
            var size = File.Exists(output) ? new FileInfo(output).Length / 1024.0 / 1024.0 : 0;
            File.Delete(output);
            micro[$"report{Cap(format)}Seconds"] = Stats.Round(seconds);
            micro[$"report{Cap(format)}PeakRssMegabytes"] = Stats.Round(peak, 1);
            notes.Add($"{format}: {F(seconds, " s")}, peak RSS {peak:0} MB, {size:0.0} MB written, exit {exit}");
            checks.Add(new($"report over {Sessions:N0} sessions, --format {format}", "runs (no target set)", $"{F(seconds, " s")}, peak RSS {peak:0} MB", exit == 0 ? null : false));
        }

        var pages = aws.CallLog.Count(r => r.Operation == "DescribeSessions");
        notes.Add($"{pages} DescribeSessions pages for two reports");
        c.Log("report: " + string.Join("; ", notes));
        return new BenchResult
        {
            Scenario = "report",
            Micro = micro,
            Notes = notes,
            Checks = checks,
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
    }

    private static async Task<(double Seconds, double PeakMb, int Exit)> RunReportAsync(AwsSandbox aws, string format, string output, CancellationToken ct)
    {
        var exe = OperatorRun.Executable;
        var psi = new ProcessStartInfo(exe.EndsWith(".dll", StringComparison.Ordinal) ? "dotnet" : exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (exe.EndsWith(".dll", StringComparison.Ordinal))
        {
            psi.ArgumentList.Add(exe);
        }

        foreach (var a in new[] { "report", "--region", "us-east-1", "--format", format, "-o", output })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["AWS_ENDPOINT_URL"] = aws.Url.ToString().TrimEnd('/');
        psi.Environment["AWS_ACCESS_KEY_ID"] = AccessKey;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "bench";
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + exe);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        double peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, PeakRss(process.Id));
            await Task.Delay(20, ct);
        }

        await process.WaitForExitAsync(ct);
        var seconds = watch.Elapsed.TotalSeconds;
        await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"session-audit report exited {process.ExitCode}: {await stderr}");
        }

        return (seconds, peak, process.ExitCode);
    }

    private static double PeakRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return 0; // the process ended between the check and the read
        }
    }

    /// <summary>A month of sessions on 200 instances by 50 people; one in ten through port forwarding or SSH, one in fifty failed.</summary>
    private static string Seed(int sessions)
    {
        var yaml = new StringBuilder();
        yaml.Append("accounts:\n  - id: \"111122223333\"\n    regions:\n      - name: us-east-1\n        instances:\n");
        for (var i = 0; i < 200; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"          - {{id: i-{i:x17}, platformType: Linux, platformName: \"Amazon Linux\", platformVersion: \"2023\", agentVersion: 3.3.1142.0}}\n");
        }

        yaml.Append("        sessions:\n");
        var documents = new[] { "SSM-SessionManagerRunShell", "SSM-SessionManagerRunShell", "SSM-SessionManagerRunShell", "AWS-StartPortForwardingSession", "AWS-StartSSHSession" };
        for (var i = 0; i < sessions; i++)
        {
            var document = i % 10 == 0 ? documents[3 + (i / 10 % 2)] : documents[i % 3];
            var days = 29.9 * i / sessions;
            var status = i % 50 == 0 ? ", status: Failed" : "";
            yaml.Append(CultureInfo.InvariantCulture,
                $"          - {{target: i-{i % 200:x17}, owner: user{i % 50}, document: {document}, startedDaysAgo: {days:0.0000}, durationMinutes: {5 + (i % 60)}{status}}}\n");
        }

        return yaml.ToString();
    }

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
