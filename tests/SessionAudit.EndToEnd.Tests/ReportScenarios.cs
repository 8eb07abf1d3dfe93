using System.Text.Json.Nodes;
using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The world of the report scenarios: a known session history (logged, port forwarding, SSH, one too old, one still connected).</summary>
public sealed class ReportWorld : OperatorWorld
{
    public static readonly string[] InWindow = ["e2e-shell-1", "e2e-shell-2", "e2e-forward-1", "e2e-ssh-1", "e2e-active-1"];

    protected override string Seed => """
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                buckets:
                  - {name: e2e-reports, encryption: AES256}
                instances:
                  - {id: i-0e2e00000000000a1, platformType: Linux, platformName: "Amazon Linux", platformVersion: "2023", computerName: web}
                  - {id: i-0e2e00000000000a2, platformType: Windows, platformName: "Microsoft Windows Server 2008 R2 Datacenter", platformVersion: "6.1.7601", agentVersion: 2.3.444.0, computerName: legacy}
                sessions:
                  - {id: e2e-shell-1, target: i-0e2e00000000000a1, owner: alice, startedDaysAgo: 1, durationMinutes: 10}
                  - {id: e2e-shell-2, target: i-0e2e00000000000a2, owner: bob, startedDaysAgo: 2, durationMinutes: 20}
                  - {id: e2e-forward-1, target: i-0e2e00000000000a1, owner: alice, document: AWS-StartPortForwardingSession, startedDaysAgo: 3, durationMinutes: 5}
                  - {id: e2e-ssh-1, target: i-0e2e00000000000a2, owner: carol, document: AWS-StartSSHSession, startedDaysAgo: 4, durationMinutes: 7}
                  - {id: e2e-old-1, target: i-0e2e00000000000a1, owner: bob, startedDaysAgo: 40, durationMinutes: 9}
                  - {id: e2e-active-1, target: i-0e2e00000000000a1, owner: alice, startedHoursAgo: 1}
        """;
}

/// <summary>S9-S11 end to end (issue 6): the operator keeps a report summary in status, writes report.json and
/// report.html to S3 and serves the HTML; `session-audit report` prints the same sessions as CSV, JSON and a table.</summary>
public sealed class ReportScenarios(ReportWorld fixture) : IClassFixture<ReportWorld>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestWorld World => fixture.World;

    [Fact]
    public async Task A_policy_with_a_report_gets_a_status_summary_an_S3_export_and_an_HTML_page()
    {
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: session-report
            spec:
              region: us-east-1
              documentName: E2E-Report
              report:
                lookbackDays: 30
                interval: 1h
                s3: {bucketName: e2e-reports, keyPrefix: reports/}
            """, ct: Ct);

        var policy = await Eventually.WaitAsync(
            () => World.GetPolicyAsync("session-report", Ct),
            p => p?["status"]?["report"]?["total"] is not null,
            TimeSpan.FromSeconds(45), "status.report", Ct);
        var summary = policy!["status"]!["report"]!;
        Assert.Equal(5, (int)summary["total"]!);
        Assert.Equal(2, (int)summary["unlogged"]!);
        Assert.Equal(2, (int)summary["distinctTargets"]!);
        Assert.Equal(3, (int)summary["distinctOwners"]!);
        Assert.Equal(30, (int)summary["window"]!["days"]!);
        Assert.True((int)summary["readinessWarnings"]! >= 1, "the Windows Server 2008 R2 instance is flagged");
        Assert.NotNull(summary["lastReportTime"]);

        var objects = await Eventually.WaitAsync(
            async () => (await World.PersonJsonAsync(["s3api", "list-objects-v2", "--bucket", "e2e-reports", "--prefix", "reports/"], ct: Ct))?["Contents"]?.AsArray()
                .Select(o => (string)o!["Key"]!).ToList() ?? [],
            keys => keys.Count >= 2,
            TimeSpan.FromSeconds(30), "report.json and report.html in the bucket", Ct);
        Assert.Equal(["reports/report.html", "reports/report.json"], objects.Order(StringComparer.Ordinal));

        var jsonFile = Path.Combine(World.Directory, "report.json");
        await World.PersonCliAsync(["s3api", "get-object", "--bucket", "e2e-reports", "--key", "reports/report.json", jsonFile], ct: Ct);
        var exported = JsonNode.Parse(await File.ReadAllTextAsync(jsonFile, Ct))!;
        Assert.Equal(ReportWorld.InWindow.Order(StringComparer.Ordinal), exported["sessions"]!.AsArray().Select(s => (string)s!["sessionId"]!).Order(StringComparer.Ordinal));

        var htmlFile = Path.Combine(World.Directory, "report.html");
        var head = await World.PersonJsonAsync(["s3api", "get-object", "--bucket", "e2e-reports", "--key", "reports/report.html", htmlFile], ct: Ct);
        Assert.StartsWith("text/html", (string?)head!["ContentType"], StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(htmlFile, Ct);
        Assert.Contains("e2e-ssh-1", html, StringComparison.Ordinal);
        Assert.Contains("Account 111122223333, us-east-1. Last 30 days", html, StringComparison.Ordinal);

        // Session data is not on the metrics port (other pods reach it), only on the loopback reports listener.
        using var http = new HttpClient();
        var metrics = await fixture.Operator.HttpUrlAsync(Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri(metrics + "/reports/session-report.html"), Ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri(metrics + "/reports"), Ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri(metrics + "/healthz"), Ct)).StatusCode);

        var url = await fixture.Operator.ReportsUrlAsync(Ct);
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
        var served = await http.GetAsync(new Uri(url + "/reports/session-report.html"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("text/html", served.Content.Headers.ContentType?.MediaType);
        Assert.True(served.Headers.CacheControl?.NoStore, "reports must not be cached");
        Assert.Equal(["nosniff"], served.Headers.GetValues("X-Content-Type-Options"));
        var page = await served.Content.ReadAsStringAsync(Ct);
        Assert.Contains("e2e-forward-1", page, StringComparison.Ordinal);
        Assert.DoesNotContain("e2e-old-1", page, StringComparison.Ordinal);
        Assert.Contains("/reports/session-report.html", await http.GetStringAsync(new Uri(url + "/reports"), Ct), StringComparison.Ordinal);
        Assert.Contains(await World.PolicyEventsAsync("session-report", Ct), e => e.Reason == "ReportExported");
    }

    private Task<ProcessResult> ReportAsync(params string[] args) =>
        Tool.RunAsync("dotnet", [Tools.OperatorDll, "report", "--region", "us-east-1", .. args], World.AwsEnvironment, ct: Ct);

    [Fact]
    public async Task The_report_command_prints_the_sessions_of_the_window_as_csv_json_and_a_table()
    {
        var csv = (await ReportAsync("--format", "csv")).EnsureSuccess("session-audit report --format csv");
        var lines = csv.StdOut.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sessionId,target,owner,document,start,end,durationSeconds,status,accessType,state,logged,notLoggedReason,account,region,logDelivered,logLocation,logNote,instanceRole", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0]);
        // The account is the caller's (STS GetCallerIdentity), the region the one asked for.
        Assert.All(rows.Values, r => Assert.Equal(("111122223333", "us-east-1"), (r[12], r[13])));
        Assert.Equal(ReportWorld.InWindow.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("false", "port-forwarding"), (rows["e2e-forward-1"][10], rows["e2e-forward-1"][11]));
        Assert.Equal(("false", "ssh"), (rows["e2e-ssh-1"][10], rows["e2e-ssh-1"][11]));
        Assert.Equal(("true", ""), (rows["e2e-shell-1"][10], rows["e2e-shell-1"][11]));
        Assert.Equal("600", rows["e2e-shell-1"][6]);
        Assert.Equal("", rows["e2e-active-1"][5]);

        var json = JsonNode.Parse((await ReportAsync("--format", "json")).EnsureSuccess("session-audit report --format json").StdOut)!;
        var sessions = json["sessions"]!.AsArray();
        Assert.Equal(("111122223333", "us-east-1"), ((string?)json["account"], (string?)json["region"]));
        Assert.Equal(5, sessions.Count);
        Assert.Equal(2, sessions.Count(s => !(bool)s!["logged"]!));
        Assert.Equal("arn:aws:iam::111122223333:user/carol", (string?)sessions.Single(s => (string?)s!["sessionId"] == "e2e-ssh-1")!["owner"]);

        var table = (await ReportAsync()).EnsureSuccess("session-audit report");
        Assert.StartsWith("Session Manager sessions in account 111122223333, us-east-1, last 30 days: ", table.StdOut, StringComparison.Ordinal);
        foreach (var id in ReportWorld.InWindow)
        {
            Assert.Contains(id, table.StdOut, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("e2e-old-1", table.StdOut, StringComparison.Ordinal);
    }
}
