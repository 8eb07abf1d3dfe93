using System.Text.Json;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;
using SessionAudit.Reporting.Rendering;
using SessionAudit.Reporting.Tests.Support;
using Xunit;

namespace SessionAudit.Reporting.Tests;

public sealed class ExportTests
{
    [Fact]
    public async Task Csv_holds_exactly_the_sessions_of_the_window_with_their_logging_flags()
    {
        var seed = new SeededHistory();
        var run = await ReportRun.ExportAsync(seed, new ReportOptions { MaxRetainedRows = 10, Account = "111122223333", Region = "eu-west-1" }, TestContext.Current.CancellationToken);

        var records = Csv.Parse(run.Csv);
        Assert.Equal(
            ["sessionId", "target", "owner", "document", "start", "end", "durationSeconds", "status", "accessType", "state", "logged", "notLoggedReason", "account", "region",
             "logDelivered", "logLocation", "logNote", "instanceRole"],
            records[0]);
        var rows = records.Skip(1).ToList();
        Assert.All(rows, r => Assert.Equal(18, r.Length));
        // Every row says where it is from, so the files of several accounts and regions can be joined.
        Assert.All(rows, r => Assert.Equal(("111122223333", "eu-west-1"), (r[12], r[13])));
        Assert.Equal(seed.Expected.Count, rows.Count);
        var actual = rows.ToDictionary(r => r[0], r => (Status: r[7], State: r[9], Logged: r[10], Reason: r[11]));
        Assert.Equal(seed.Expected.Keys.Order(), actual.Keys.Order());
        foreach (var (id, expected) in seed.Expected)
        {
            var got = actual[id];
            Assert.Equal((expected.Status, expected.State, expected.Reason.Length == 0 ? "true" : "false", expected.Reason), got);
        }

        Assert.Equal(26, rows.Count(r => r[11] == "port-forwarding"));
        Assert.Equal(14, rows.Count(r => r[11] == "ssh"));
        Assert.Equal(10, rows.Count(r => r[11] == "failed-to-start"));
        Assert.DoesNotContain(rows, r => r[0].StartsWith("old-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Csv_cells_spell_times_durations_and_documents_as_documented()
    {
        var seed = new SeededHistory();
        var run = await ReportRun.ExportAsync(seed, new ReportOptions(), TestContext.Current.CancellationToken);

        var first = seed.History[0]; // i = 0: starts 3 minutes before now, lasts 1 minute
        var row = Csv.Parse(run.Csv).Single(r => r[0] == first.SessionId);
        Assert.Equal(
            [first.SessionId, "i-0000000000000000", "arn:aws:iam::111122223333:user/user0", "SSM-SessionManagerRunShell",
             "2025-06-30T11:57:00Z", "2025-06-30T11:58:00Z", "60", "Terminated", "JustInTime", "history", "true", "", "", "",
             "", "", "no preferences document: no log destination configured", ""],
            row);
        var open = Csv.Parse(run.Csv).Single(r => r[0] == "open1-0a1b2c3d4e5f");
        Assert.Equal(["", "1860", "Connected", "Standard", "active", "false", "ssh", "", "", "", "", "not logged by design", ""], open[5..]);
    }

    [Fact]
    public async Task Csv_quotes_commas_quotes_and_line_breaks_per_RFC_4180()
    {
        var odd = new SessionRecord
        {
            SessionId = "odd-1",
            Target = "i-1,2",
            Owner = "arn:aws:iam::1:user/\"quoted\"",
            Status = "Terminated",
            StartDate = SeededHistory.Now.AddHours(-1),
            EndDate = SeededHistory.Now.AddMinutes(-59),
            DocumentName = "Line\r\nBreak",
        };
        var seed = new SeededHistory();
        seed.History.Clear();
        seed.Active.Clear();
        seed.History.Add(odd);

        var run = await ReportRun.ExportAsync(seed, new ReportOptions(), TestContext.Current.CancellationToken);

        Assert.Contains("odd-1,\"i-1,2\",\"arn:aws:iam::1:user/\"\"quoted\"\"\",\"Line\r\nBreak\",", run.Csv, StringComparison.Ordinal);
        var parsed = Csv.Parse(run.Csv);
        Assert.Equal(2, parsed.Count);
        Assert.Equal(["odd-1", "i-1,2", "arn:aws:iam::1:user/\"quoted\"", "Line\r\nBreak"], parsed[1][..4]);
    }

    [Fact]
    public async Task An_empty_report_is_a_csv_header_and_a_valid_json_document()
    {
        var seed = new SeededHistory();
        seed.History.Clear();
        seed.Active.Clear();
        var run = await ReportRun.ExportAsync(seed, new ReportOptions(), TestContext.Current.CancellationToken);

        Assert.Single(Csv.Parse(run.Csv));
        using var doc = JsonDocument.Parse(run.Json);
        Assert.Equal(0, doc.RootElement.GetProperty("sessions").GetArrayLength());
        Assert.Equal(0, doc.RootElement.GetProperty("summary").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Json_holds_exactly_the_sessions_of_the_window_with_flags_and_the_summary()
    {
        var seed = new SeededHistory();
        seed.Instances.Add(new ManagedInstance { InstanceId = "i-0win2008", PlatformType = "Windows", PlatformName = "Microsoft Windows Server 2008 R2 Datacenter", PlatformVersion = "6.1.7601", AgentVersion = "3.0.1.0" });
        var run = await ReportRun.ExportAsync(seed, new ReportOptions { MaxRetainedRows = 10, Account = "111122223333", Region = "eu-west-1" }, TestContext.Current.CancellationToken);

        using var doc = JsonDocument.Parse(run.Json);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("111122223333", root.GetProperty("account").GetString());
        Assert.Equal("eu-west-1", root.GetProperty("region").GetString());
        var sessions = root.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(seed.Expected.Count, sessions.Count);
        foreach (var s in sessions)
        {
            var expected = seed.Expected[s.GetProperty("sessionId").GetString()!];
            Assert.Equal(expected.Status, s.GetProperty("status").GetString());
            Assert.Equal(expected.State, s.GetProperty("state").GetString());
            Assert.Equal(expected.Reason.Length == 0, s.GetProperty("logged").GetBoolean());
            var reason = s.GetProperty("notLoggedReason");
            Assert.Equal(expected.Reason.Length == 0 ? null : expected.Reason, reason.ValueKind == JsonValueKind.Null ? null : reason.GetString());
        }

        Assert.Equal(
            ["sessionId", "target", "owner", "document", "start", "end", "durationSeconds", "status", "accessType", "state", "logged", "notLoggedReason",
             "logDelivered", "logLocation", "logNote", "instanceRole"],
            sessions[0].EnumerateObject().Select(p => p.Name));

        var summary = root.GetProperty("summary");
        Assert.Equal(262, summary.GetProperty("total").GetInt32());
        Assert.Equal(seed.ExpectedUnlogged, summary.GetProperty("unlogged").GetInt32());
        Assert.Equal(1, summary.GetProperty("readinessWarnings").GetInt32());
        Assert.Equal("2025-06-30T12:00:00Z", summary.GetProperty("lastReportTime").GetString());
        Assert.Equal("2025-05-31T12:00:00Z", summary.GetProperty("window").GetProperty("start").GetString());
        Assert.Equal(26, root.GetProperty("unloggedByReason").GetProperty("port-forwarding").GetInt32());
        Assert.Equal(31, root.GetProperty("sessionsPerDay").GetArrayLength());
        Assert.Equal(262, root.GetProperty("sessionsPerDay").EnumerateArray().Sum(d => d.GetProperty("sessions").GetInt32()));
        Assert.Equal(10, root.GetProperty("topTargets").GetArrayLength());
        var instance = Assert.Single(root.GetProperty("instances").EnumerateArray());
        Assert.Equal("windows-before-2012r2", instance.GetProperty("findings")[0].GetProperty("code").GetString());
    }

    [Fact]
    public void Summary_serializes_in_camel_case_with_utc_times_under_any_serializer_options()
    {
        var summary = new ReportSummary(
            new ReportWindow(30, SeededHistory.Now.AddDays(-30), SeededHistory.Now),
            12,
            new SortedDictionary<string, int> { ["Failed"] = 2, ["Terminated"] = 10 },
            3,
            4,
            5,
            6,
            SeededHistory.Now.ToOffset(TimeSpan.FromHours(2)))
        {
            MissingLogs = 7,
        };

        const string expected = """{"window":{"days":30,"start":"2025-05-31T12:00:00Z","end":"2025-06-30T12:00:00Z"},"total":12,"byStatus":{"Failed":2,"Terminated":10},"distinctTargets":3,"distinctOwners":4,"unlogged":5,"readinessWarnings":6,"lastReportTime":"2025-06-30T12:00:00Z","missingLogs":7}""";
        Assert.Equal(expected, JsonSerializer.Serialize(summary, ReportJsonContext.Default.ReportSummary));
        Assert.Equal(expected, JsonSerializer.Serialize(summary, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        var back = JsonSerializer.Deserialize(expected, ReportJsonContext.Default.ReportSummary)!;
        Assert.Equal(summary.LastReportTime, back.LastReportTime);
        Assert.Equal(summary.ByStatus, back.ByStatus);
        Assert.Equal(7, back.MissingLogs);
    }

    [Fact]
    public void Timestamps_keep_a_fraction_only_when_there_is_one()
    {
        Assert.Equal("2025-06-30T12:00:00Z", ReportText.Timestamp(SeededHistory.Now));
        Assert.Equal("2025-06-30T12:00:00.25Z", ReportText.Timestamp(SeededHistory.Now.AddMilliseconds(250)));
        Assert.Equal("2025-06-30T10:00:00Z", ReportText.Timestamp(new DateTimeOffset(2025, 6, 30, 12, 0, 0, TimeSpan.FromHours(2))));
    }
}
