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
/// newest rows). Wall time and peak RSS (VmHWM) of the report process. Delivery checks are on (the default): the default
/// preferences document sends logs to an S3 bucket, a shell document of its own sends them to a CloudWatch Logs group (a
/// third of the shell sessions). The stand-in's agent writes the log of every ended, logged session, except one in twenty,
/// seeded before any preferences document existed; the report lists the bucket once and the group once per principal.
/// </summary>
public static class ReportScenario
{
    private const int DefaultSessions = 100_000;
    private const string AccessKey = "AKIABENCHREPORT00001";
    private const string LogBucket = "bench-session-logs";
    private const string LogPrefix = "sessions/";
    private const string LogGroup = "/bench/session-logs";
    private const string CloudWatchDocument = "Bench-CloudWatchShell";

    public static async Task<BenchResult> RunAsync(ScenarioContext c, CancellationToken ct)
    {
        var began = c.Clock.Now;
        var sessions = c.Options.Sessions ?? DefaultSessions;
        c.Log($"report: seeding {sessions:N0} sessions");
        await using var aws = await AwsSandbox.StartAsync(
            new AwsSandboxOptions { AccessKeyAccounts = new Dictionary<string, string> { [AccessKey] = "111122223333" } }, ct);
        // First the sessions whose log is missing: no preferences document exists yet, so the agent logs nothing for them.
        aws.ApplySeed(Seed(sessions, missing: true));
        aws.ApplySeed(Seed(sessions, missing: false));
        var logged = Enumerable.Range(0, sessions).Where(LoggedAndEnded).ToList();
        var missing = logged.Count(Missing);
        var missingCloudWatch = logged.Count(i => Missing(i) && ToCloudWatch(i));
        c.Log($"report: {logged.Count - missing:N0} session logs written by the stand-in's agent ({logged.Count(i => !Missing(i) && ToCloudWatch(i)):N0} of them to {LogGroup}), {missing:N0} ended logged sessions without one ({missingCloudWatch:N0} CloudWatch)");
        aws.ClearCallLog();

        var micro = new Dictionary<string, double>();
        var notes = new List<string>();
        var checks = new List<TargetCheck>();
        // The two reports run side by side: each spends most of its time waiting on its own client's rate limits (10 calls a
        // second per service), not on the CPU, and one after the other they took over 5 of the full bench's 10 minutes. Both
        // share the account's DescribeLogStreams quota (25 a second, which the stand-in enforces): what it throttled is counted.
        string[] formats = ["csv", "html"];
        var outputs = formats.ToDictionary(f => f, f => Path.Combine(Path.GetTempPath(), $"session-audit-bench-report.{f}"));
        var runs = await Task.WhenAll(formats.Select(f => RunReportAsync(aws, f, outputs[f], ct)));
        foreach (var (format, (seconds, peak, exit)) in formats.Zip(runs))
        {
            var output = outputs[format];
            var size = File.Exists(output) ? new FileInfo(output).Length / 1024.0 / 1024.0 : 0;
            if (format == "csv" && File.Exists(output))
            {
                // Columns found by the header's names; none of the bench's cells holds a comma.
                var header = File.ReadLines(output).First().Split(',');
                int delivered = Array.IndexOf(header, "logDelivered"), note = Array.IndexOf(header, "logNote");
                if (delivered < 0 || note < 0)
                {
                    throw new InvalidOperationException($"the report's CSV has no logDelivered or logNote column: {string.Join(',', header)}");
                }

                var rows = File.ReadLines(output).Skip(1).Select(l => l.Split(',')).Where(f => f.Length == header.Length && f[delivered] == "false").ToList();
                var missingRows = rows.Count;
                var missingStreams = rows.Count(f => f[note].StartsWith("no log stream", StringComparison.Ordinal));
                notes.Add($"csv: {missingRows:N0} rows with logDelivered=false (expected {missing:N0}), {missingStreams:N0} of them a missing log stream (expected {missingCloudWatch:N0})");
                checks.Add(new("report's missing logs (csv logDelivered=false)", $"{missing:N0}", $"{missingRows:N0}", missingRows == missing));
                checks.Add(new("report's missing log streams", $"{missingCloudWatch:N0}", $"{missingStreams:N0}", missingStreams == missingCloudWatch));
            }

            File.Delete(output);
            micro[$"report{Cap(format)}Seconds"] = Stats.Round(seconds);
            micro[$"report{Cap(format)}PeakRssMegabytes"] = Stats.Round(peak, 1);
            notes.Add($"{format}: {F(seconds, " s")}, peak RSS {peak:0} MB, {size:0.0} MB written, exit {exit}");
            checks.Add(new($"report over {sessions:N0} sessions, --format {format}", "runs (no target set)", $"{F(seconds, " s")}, peak RSS {peak:0} MB", exit == 0 ? null : false));
        }

        var pages = aws.CallLog.Count(r => r.Operation == "DescribeSessions");
        notes.Add($"{pages} DescribeSessions pages for two reports");
        var throttled = aws.CallLog.Where(r => r.Throttled).GroupBy(r => r.Operation).Select(g => $"{g.Key} {g.Count()}").ToList();
        notes.Add("throttled by AWS's quotas (and retried): " + (throttled.Count == 0 ? "none" : string.Join(", ", throttled)));
        // Per report (two ran): every AWS call by operation, and the delivery check's share per session.
        var byOperation = aws.CallLog.GroupBy(r => r.Operation).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count() / 2.0:0.#}").ToList();
        notes.Add("AWS calls per report: " + string.Join(", ", byOperation));
        var deliveryCalls = aws.CallLog.Count(r => r.Operation is "ListObjectsV2" or "DescribeLogStreams" or "GetBucketEncryption") / 2.0;
        var allCalls = aws.CallLog.Count / 2.0;
        micro["deliveryCallsPerReport"] = deliveryCalls;
        micro["awsCallsPerSession"] = Math.Round(allCalls / sessions, 5);
        micro["deliveryCallsPerSession"] = Math.Round(deliveryCalls / sessions, 5);
        var s3Calls = aws.CallLog.Count(r => r.Operation is "ListObjectsV2" or "GetBucketEncryption") / 2.0;
        var logsCalls = aws.CallLog.Count(r => r.Operation == "DescribeLogStreams") / 2.0;
        var s3Sessions = logged.Count(i => !ToCloudWatch(i));
        var logsSessions = logged.Count(ToCloudWatch);
        micro["s3DeliveryCallsPerCheckedSession"] = Math.Round(s3Calls / s3Sessions, 5);
        micro["cloudWatchDeliveryCallsPerCheckedSession"] = Math.Round(logsCalls / logsSessions, 5);
        var peakLogsRate = aws.CallLog.Where(r => r.Operation == "DescribeLogStreams").GroupBy(r => r.Time.ToUnixTimeSeconds()).Select(g => g.Count()).DefaultIfEmpty(0).Max();
        notes.Add($"S3 half: {s3Calls:0.#} calls per report for {s3Sessions:N0} checked sessions ({s3Calls / s3Sessions:0.#####} per session); CloudWatch half: {logsCalls:0.#} DescribeLogStreams per report for {logsSessions:N0} checked sessions ({logsCalls / logsSessions:0.#####} per session), at most {peakLogsRate} in one second for the two reports together");
        notes.Add($"delivery check: {deliveryCalls:0.#} calls per report ({deliveryCalls / sessions:0.#####} per session); all AWS calls {allCalls:0.#} per report ({allCalls / sessions:0.#####} per session); {missing:N0} logs expected missing");
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

        // No grace period: the newest seeded sessions end minutes before the report, and the bench counts every missing log.
        foreach (var a in new[] { "report", "--region", "us-east-1", "--format", format, "-o", output, "--log-grace-minutes", "0" })
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

    private static string SessionId(int i) => $"user{i % 50}-{i:x17}";

    // Ended sessions of a shell document that did not fail: the ones whose log the report looks for.
    private static bool LoggedAndEnded(int i) => i % 10 != 0 && i % 50 != 0;

    // One in twenty of those has no log; a third of the shell sessions log to CloudWatch Logs instead of S3.
    private static bool Missing(int i) => i % 20 == 7;

    private static bool ToCloudWatch(int i) => i % 3 == 2;

    /// <summary>A month of sessions on 200 instances by 50 people; one in ten through port forwarding or SSH, one in fifty failed;
    /// the default preferences document logs to S3, a shell document of the account's own to CloudWatch Logs. The first part
    /// (<paramref name="missing"/>) holds the world and the sessions without a log; the second the documents and the rest.</summary>
    private static string Seed(int sessions, bool missing)
    {
        var yaml = new StringBuilder();
        yaml.Append("accounts:\n  - id: \"111122223333\"\n    regions:\n      - name: us-east-1\n");
        if (missing)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"        buckets:\n          - {{name: {LogBucket}, encryption: AES256}}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"        logGroups:\n          - {{name: {LogGroup}}}\n");
            yaml.Append("        instances:\n");
            for (var i = 0; i < 200; i++)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"          - {{id: i-{i:x17}, platformType: Linux, platformName: \"Amazon Linux\", platformVersion: \"2023\", agentVersion: 3.3.1142.0}}\n");
            }
        }
        else
        {
            yaml.Append("        documents:\n          - name: SSM-SessionManagerRunShell\n            type: Session\n            format: JSON\n");
            yaml.Append(CultureInfo.InvariantCulture, $"            content: '{{\"schemaVersion\":\"1.0\",\"sessionType\":\"Standard_Stream\",\"inputs\":{{\"s3BucketName\":\"{LogBucket}\",\"s3KeyPrefix\":\"{LogPrefix}\",\"s3EncryptionEnabled\":true}}}}'\n");
            yaml.Append(CultureInfo.InvariantCulture, $"          - name: {CloudWatchDocument}\n            type: Session\n            format: JSON\n");
            yaml.Append(CultureInfo.InvariantCulture, $"            content: '{{\"schemaVersion\":\"1.0\",\"sessionType\":\"Standard_Stream\",\"inputs\":{{\"cloudWatchLogGroupName\":\"{LogGroup}\",\"cloudWatchStreamingEnabled\":true}}}}'\n");
        }

        yaml.Append("        sessions:\n");
        var documents = new[] { "SSM-SessionManagerRunShell", "SSM-SessionManagerRunShell", CloudWatchDocument, "AWS-StartPortForwardingSession", "AWS-StartSSHSession" };
        for (var i = 0; i < sessions; i++)
        {
            if (LoggedAndEnded(i) && Missing(i) != missing)
            {
                continue;
            }

            if (missing && !LoggedAndEnded(i))
            {
                continue;
            }

            var document = i % 10 == 0 ? documents[3 + (i / 10 % 2)] : documents[i % 3];
            var days = 29.9 * i / sessions;
            var status = i % 50 == 0 ? ", status: Failed" : "";
            yaml.Append(CultureInfo.InvariantCulture,
                $"          - {{id: {SessionId(i)}, target: i-{i % 200:x17}, owner: user{i % 50}, document: {document}, startedDaysAgo: {days:0.0000}, durationMinutes: {5 + (i % 60)}{status}}}\n");
        }

        return yaml.ToString();
    }

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
