using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;
using SessionAudit.Reporting.Rendering;
using SessionAudit.Reporting.Tests.Support;
using Xunit;

namespace SessionAudit.Reporting.Tests;

public sealed class LogDeliveryTests
{
    private const string Shell = "SSM-SessionManagerRunShell";

    private static SessionRecord Ended(string id, string? document = Shell, string status = "Terminated") => new()
    {
        SessionId = id,
        Status = status,
        StartDate = SeededHistory.Now.AddHours(-2),
        EndDate = SeededHistory.Now.AddHours(-1),
        DocumentName = document,
        Owner = "arn:aws:iam::111122223333:user/alice",
        Target = "i-0123456789abcdef0",
    };

    private static FakeSessionActivitySource Source(IReadOnlyList<SessionRecord> history, IReadOnlyList<SessionRecord>? active = null, LogDestinations? shell = null)
    {
        var source = new FakeSessionActivitySource(history, active ?? []);
        source.Documents[Shell] = new SessionDocumentType("Standard_Stream")
        {
            Destinations = shell ?? new LogDestinations("logs-bucket", "sessions/", false, "/aws/ssm/sessions"),
        };
        return source;
    }

    private static Task<(SessionReport Report, Dictionary<string, SessionRow> Rows)> RunAsync(FakeSessionActivitySource source, ReportOptions? options = null) =>
        RunAsync(source, new FakeTimeProvider(SeededHistory.Now), options);

    private static async Task<(SessionReport Report, Dictionary<string, SessionRow> Rows)> RunAsync(FakeSessionActivitySource source, TimeProvider clock, ReportOptions? options = null)
    {
        var rows = new RowCollector();
        var report = await new SessionReportEngine(source, clock)
            .RunAsync(options ?? new ReportOptions(), rows, null, TestContext.Current.CancellationToken);
        return (report, rows.Rows.ToDictionary(r => r.SessionId));
    }

    [Fact]
    public async Task A_log_in_both_destinations_is_delivered_and_one_missing_from_either_is_not()
    {
        var source = Source([Ended("alice-0001"), Ended("alice-0002"), Ended("alice-0003"), Ended("bob-0004")]);
        source.Buckets["logs-bucket"] = ["sessions/alice-0001.log", "sessions/alice-0002.log", "sessions/bob-0004.log", "other/alice-0003.log"];
        source.LogGroups["/aws/ssm/sessions"] = ["alice-0001", "alice-0003", "bob-0004"];

        var (report, rows) = await RunAsync(source);

        Assert.True(rows["alice-0001"].LogDelivered);
        Assert.Equal("s3://logs-bucket/sessions/alice-0001.log; /aws/ssm/sessions/alice-0001", rows["alice-0001"].LogLocation);
        Assert.Null(rows["alice-0001"].LogNote);
        Assert.False(rows["alice-0002"].LogDelivered); // in S3, not in CloudWatch
        Assert.Contains("no log stream alice-0002 in /aws/ssm/sessions", rows["alice-0002"].LogNote, StringComparison.Ordinal);
        Assert.False(rows["alice-0003"].LogDelivered); // in CloudWatch, not under the prefix in S3
        Assert.Contains("no object s3://logs-bucket/sessions/alice-0003.log", rows["alice-0003"].LogNote, StringComparison.Ordinal);
        Assert.True(rows["bob-0004"].LogDelivered);
        Assert.Equal(2, report.Summary.MissingLogs);

        // One listing per bucket and prefix; one stream listing per log group and session-id prefix (alice-, bob-); the
        // bucket's encryption once, as a log is missing from it.
        Assert.Equal([("s3", "logs-bucket", "sessions/"), ("logs", "/aws/ssm/sessions", "alice-"), ("enc", "logs-bucket", ""), ("logs", "/aws/ssm/sessions", "bob-")], source.Listings);
    }

    [Fact]
    public async Task Unknown_delivery_is_null_with_a_note_and_never_counted_missing()
    {
        var source = Source(
            [
                Ended("alice-ssh", "AWS-StartSSHSession"),
                Ended("alice-failed", status: "Failed"),
                Ended("alice-nodest", "Quiet-Shell"),
                Ended("alice-unread", "Secret-Shell"),
            ],
            active: [Ended("alice-open") with { EndDate = null, Status = "Connected" }]);
        source.Documents["Quiet-Shell"] = new SessionDocumentType("Standard_Stream") { Destinations = new LogDestinations(null, null, false, null) };
        source.Documents["Secret-Shell"] = SessionDocumentType.Unreadable("AccessDeniedException: not allowed");

        var (report, rows) = await RunAsync(source);

        Assert.All(rows.Values, r => Assert.Null(r.LogDelivered));
        Assert.All(rows.Values, r => Assert.Null(r.LogLocation));
        Assert.Equal("not logged by design", rows["alice-ssh"].LogNote);
        Assert.Equal("not logged by design", rows["alice-failed"].LogNote);
        Assert.Equal("no log destination configured", rows["alice-nodest"].LogNote);
        Assert.StartsWith("whether it is logged is unknown", rows["alice-unread"].LogNote, StringComparison.Ordinal);
        Assert.Equal("still active: not checked", rows["alice-open"].LogNote);
        Assert.Equal(0, report.Summary.MissingLogs);
        Assert.Empty(source.Listings);
    }

    [Fact]
    public async Task An_unreadable_default_document_leaves_sessions_without_a_document_unknown()
    {
        var source = Source([Ended("alice-0001", document: null)]);
        source.Documents[Shell] = SessionDocumentType.Unreadable("AccessDeniedException: not allowed");

        var (_, rows) = await RunAsync(source);

        Assert.Null(rows["alice-0001"].LogDelivered);
        Assert.Equal("preferences unreadable: AccessDeniedException: not allowed", rows["alice-0001"].LogNote);
    }

    [Fact]
    public async Task An_account_without_a_preferences_document_has_no_destination()
    {
        var source = Source([Ended("alice-0001")]);
        source.Documents[Shell] = SessionDocumentType.NotFound("InvalidDocument: no such document");

        var (_, rows) = await RunAsync(source);

        Assert.Null(rows["alice-0001"].LogDelivered);
        Assert.Equal("no preferences document: no log destination configured", rows["alice-0001"].LogNote);
    }

    [Fact]
    public async Task An_unreadable_bucket_makes_its_rows_null_with_a_note_not_false()
    {
        var source = Source([Ended("alice-0001"), Ended("alice-0002")], shell: new LogDestinations("locked-bucket", "", false, null));
        source.Buckets["locked-bucket"] = [];
        source.UnreadableBuckets.Add("locked-bucket");

        var (report, rows) = await RunAsync(source);

        Assert.All(rows.Values, r => Assert.Null(r.LogDelivered));
        Assert.Equal("s3://locked-bucket/alice-0001.log", rows["alice-0001"].LogLocation);
        Assert.Equal("cannot list s3://locked-bucket/: AccessDenied: Access Denied", rows["alice-0001"].LogNote);
        Assert.Equal(0, report.Summary.MissingLogs);
        Assert.Single(source.Listings); // the failure is remembered too: one listing per report
    }

    [Fact]
    public async Task A_readable_destination_still_decides_when_the_other_is_unreadable()
    {
        var source = Source([Ended("alice-0001"), Ended("alice-0002")], shell: new LogDestinations("locked-bucket", "", false, "/sessions"));
        source.UnreadableBuckets.Add("locked-bucket");
        source.LogGroups["/sessions"] = ["alice-0001"];

        var (_, rows) = await RunAsync(source);

        Assert.Null(rows["alice-0001"].LogDelivered);
        Assert.False(rows["alice-0002"].LogDelivered);
    }

    [Fact]
    public async Task The_report_says_why_a_log_is_missing_when_it_can_tell()
    {
        var source = Source(
            [Ended("alice-0001"), Ended("alice-0002", "Encrypted-Shell"), Ended("alice-0003", "Streamed-Shell")],
            shell: new LogDestinations("gone-bucket", "p/", false, null));
        source.Documents["Encrypted-Shell"] = new SessionDocumentType("Standard_Stream") { Destinations = new LogDestinations("plain-bucket", "", true, null) };
        source.Documents["Streamed-Shell"] = new SessionDocumentType("Standard_Stream") { Destinations = new LogDestinations(null, null, false, "/gone/group") };
        source.Buckets["plain-bucket"] = [];
        source.UnencryptedBuckets.Add("plain-bucket");

        var (report, rows) = await RunAsync(source);

        Assert.All(rows.Values, r => Assert.False(r.LogDelivered));
        Assert.Equal("bucket gone-bucket does not exist", rows["alice-0001"].LogNote);
        Assert.StartsWith("bucket plain-bucket is not encrypted while the preferences require encryption", rows["alice-0002"].LogNote, StringComparison.Ordinal);
        Assert.Equal("log group /gone/group does not exist", rows["alice-0003"].LogNote);
        Assert.Equal(3, report.Summary.MissingLogs);
    }

    [Fact]
    public async Task Preferences_come_from_the_sessions_document_or_the_default_one()
    {
        // No document name: the default document's preferences; an InteractiveCommands document has no logging inputs
        // of its own, so the default document's apply; a Standard_Stream document carries its own.
        var source = Source([Ended("alice-0001", document: null), Ended("alice-0002", "AWS-StartInteractiveCommand"), Ended("alice-0003", "Own-Shell")]);
        source.Documents["Own-Shell"] = new SessionDocumentType("Standard_Stream") { Destinations = new LogDestinations("own-bucket", "own/", false, null) };
        source.Buckets["logs-bucket"] = ["sessions/alice-0001.log", "sessions/alice-0002.log"];
        source.Buckets["own-bucket"] = ["own/alice-0003.log"];
        source.LogGroups["/aws/ssm/sessions"] = ["alice-0001", "alice-0002"];

        var (_, rows) = await RunAsync(source);

        Assert.All(rows.Values, r => Assert.True(r.LogDelivered, r.SessionId + ": " + r.LogNote));
        Assert.Equal("s3://own-bucket/own/alice-0003.log", rows["alice-0003"].LogLocation);
        Assert.Equal(1, source.DocumentReads.Count(d => d == Shell));
    }

    [Fact]
    public async Task A_prefix_without_a_trailing_slash_matches_either_spelling_of_the_key()
    {
        var source = Source([Ended("alice-0001"), Ended("alice-0002")], shell: new LogDestinations("b", "logs", false, null));
        source.Buckets["b"] = ["logs/alice-0001.log", "logsalice-0002.log"];

        var (_, rows) = await RunAsync(source);

        Assert.Equal("s3://b/logs/alice-0001.log", rows["alice-0001"].LogLocation);
        Assert.True(rows["alice-0001"].LogDelivered);
        Assert.True(rows["alice-0002"].LogDelivered);
    }

    [Fact]
    public async Task Checks_can_be_turned_off()
    {
        var source = Source([Ended("alice-0001")]);
        var (report, rows) = await RunAsync(source, new ReportOptions { CheckLogDelivery = false });
        Assert.Null(rows["alice-0001"].LogDelivered);
        Assert.Empty(source.Listings);
        Assert.Equal(0, report.Summary.MissingLogs);
    }

    private static SessionRecord EndedAgo(string id, TimeSpan ago, DateTimeOffset now) =>
        Ended(id) with { StartDate = now - ago - TimeSpan.FromMinutes(10), EndDate = now - ago };

    [Fact]
    public async Task A_log_not_there_yet_within_the_grace_period_is_unknown_and_missing_once_it_has_passed()
    {
        var now = SeededHistory.Now;
        var source = Source(
            [EndedAgo("alice-0001", TimeSpan.FromSeconds(30), now), EndedAgo("alice-0002", TimeSpan.FromSeconds(299), now),
             EndedAgo("alice-0003", TimeSpan.FromMinutes(5), now), EndedAgo("alice-0004", TimeSpan.FromSeconds(10), now)]);
        source.Buckets["logs-bucket"] = ["sessions/alice-0004.log"];
        source.LogGroups["/aws/ssm/sessions"] = ["alice-0004"];
        var clock = new FakeTimeProvider(now);

        var (report, rows) = await RunAsync(source, clock);

        Assert.Null(rows["alice-0001"].LogDelivered);
        Assert.Equal(
            "no object s3://logs-bucket/sessions/alice-0001.log yet: the session ended 30s ago and the upload may be under way; "
            + "no log stream alice-0001 in /aws/ssm/sessions yet: the session ended 30s ago and the upload may be under way",
            rows["alice-0001"].LogNote);
        Assert.Null(rows["alice-0002"].LogDelivered);
        Assert.Contains("ended 4m59s ago and the upload may be under way", rows["alice-0002"].LogNote, StringComparison.Ordinal);
        Assert.False(rows["alice-0003"].LogDelivered); // exactly the default 5 minutes: the grace has run out
        Assert.True(rows["alice-0004"].LogDelivered); // found within the grace period: delivered
        Assert.Equal(1, report.Summary.MissingLogs);

        clock.Advance(TimeSpan.FromMinutes(5));
        var (later, laterRows) = await RunAsync(source, clock); // the same world, five minutes on
        Assert.False(laterRows["alice-0001"].LogDelivered);
        Assert.Equal("no object s3://logs-bucket/sessions/alice-0001.log; no log stream alice-0001 in /aws/ssm/sessions", laterRows["alice-0001"].LogNote);
        Assert.True(laterRows["alice-0004"].LogDelivered);
        Assert.Equal(3, later.Summary.MissingLogs);
    }

    [Fact]
    public async Task The_grace_period_is_an_option_and_zero_turns_it_off()
    {
        var now = SeededHistory.Now;
        var source = Source([EndedAgo("alice-0001", TimeSpan.FromMinutes(10), now), EndedAgo("alice-0002", TimeSpan.FromSeconds(1), now)]);
        source.Buckets["logs-bucket"] = [];
        source.LogGroups["/aws/ssm/sessions"] = [];

        var (_, longer) = await RunAsync(source, new FakeTimeProvider(now), new ReportOptions { LogGracePeriod = TimeSpan.FromMinutes(15) });
        Assert.Null(longer["alice-0001"].LogDelivered);
        Assert.Contains("ended 10m00s ago", longer["alice-0001"].LogNote, StringComparison.Ordinal);

        var (report, none) = await RunAsync(source, new FakeTimeProvider(now), new ReportOptions { LogGracePeriod = TimeSpan.Zero });
        Assert.False(none["alice-0002"].LogDelivered);
        Assert.Equal(2, report.Summary.MissingLogs);

        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportOptions { LogGracePeriod = TimeSpan.FromSeconds(-1) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportOptions { LogGracePeriod = TimeSpan.FromHours(25) }.Validate());
    }

    [Fact]
    public async Task A_definite_reason_is_missing_even_within_the_grace_period()
    {
        var now = SeededHistory.Now;
        var source = Source([EndedAgo("alice-0001", TimeSpan.FromSeconds(5), now), EndedAgo("alice-0002", TimeSpan.FromSeconds(5), now) with { DocumentName = "Encrypted-Shell" }],
            shell: new LogDestinations("gone-bucket", "p/", false, null));
        source.Documents["Encrypted-Shell"] = new SessionDocumentType("Standard_Stream") { Destinations = new LogDestinations("plain-bucket", "", true, null) };
        source.Buckets["plain-bucket"] = [];
        source.UnencryptedBuckets.Add("plain-bucket");

        var (report, rows) = await RunAsync(source, new FakeTimeProvider(now));

        Assert.Equal("bucket gone-bucket does not exist", rows["alice-0001"].LogNote);
        Assert.StartsWith("bucket plain-bucket is not encrypted", rows["alice-0002"].LogNote, StringComparison.Ordinal);
        Assert.Equal(2, report.Summary.MissingLogs);
    }

    [Fact]
    public void The_stream_listing_covers_one_principal()
    {
        Assert.Equal("alice-", LogDeliveryChecker.StreamPrefix("alice-0a1b2c3d4e5f"));
        Assert.Equal("ops-admin-", LogDeliveryChecker.StreamPrefix("ops-admin-0a1b2c3d4e5f"));
        Assert.Equal("nodash", LogDeliveryChecker.StreamPrefix("nodash"));
    }

    [Fact]
    public async Task Csv_json_html_and_table_carry_the_delivery_fields()
    {
        var source = Source([Ended("alice-0001"), Ended("alice-0002", "AWS-StartSSHSession"), Ended("=cmd-0003")], shell: new LogDestinations("logs-bucket", "s/", false, null));
        source.Buckets["logs-bucket"] = ["s/alice-0001.log"];
        var ct = TestContext.Current.CancellationToken;
        var engine = new SessionReportEngine(source, new FakeTimeProvider(SeededHistory.Now));
        using var csvText = new StringWriter();
        using var jsonBytes = new MemoryStream();
        var csv = new CsvReportWriter(csvText);
        await using var json = new JsonReportWriter(jsonBytes);
        var report = await engine.RunAsync(new ReportOptions(), new CompositeRowSink(csv, json), null, ct);
        await csv.CompleteAsync(ct);
        await json.CompleteAsync(report, ct);

        var records = Csv.Parse(csvText.ToString());
        Assert.Equal(["logDelivered", "logLocation", "logNote", "instanceRole"], records[0][^4..]);
        var byId = records.Skip(1).ToDictionary(r => r[0]);
        Assert.Equal(["true", "s3://logs-bucket/s/alice-0001.log", "", ""], byId["alice-0001"][^4..]);
        Assert.Equal(["", "", "not logged by design", ""], byId["alice-0002"][^4..]);
        // The CSV injection guard applies to the new cells too: the id starts with '=', and so would nothing else.
        Assert.Equal(["false", "s3://logs-bucket/s/=cmd-0003.log", "no object s3://logs-bucket/s/=cmd-0003.log", ""], byId["'=cmd-0003"][^4..]);

        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(jsonBytes.ToArray()));
        var sessions = doc.RootElement.GetProperty("sessions").EnumerateArray().ToDictionary(s => s.GetProperty("sessionId").GetString()!);
        Assert.True(sessions["alice-0001"].GetProperty("logDelivered").GetBoolean());
        Assert.Equal(JsonValueKind.Null, sessions["alice-0002"].GetProperty("logDelivered").ValueKind);
        Assert.False(sessions["=cmd-0003"].GetProperty("logDelivered").GetBoolean());
        Assert.Equal("s3://logs-bucket/s/alice-0001.log", sessions["alice-0001"].GetProperty("logLocation").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("summary").GetProperty("missingLogs").GetInt32());

        using var html = new StringWriter();
        await HtmlReportRenderer.RenderAsync(report, html, ct);
        var page = html.ToString();
        Assert.Contains("id=\"card-missing-logs\"", page, StringComparison.Ordinal);
        Assert.Matches("<div class=\"card alert\" id=\"card-missing-logs\"><div class=\"value\">1</div>", page);
        Assert.Matches("<tr class=\"missing-log\" data-session=\"=cmd-0003\">", page);
        Assert.Contains("log MISSING: no object s3://logs-bucket/s/=cmd-0003.log", page, StringComparison.Ordinal);
        Assert.Contains("data-delivered=\"delivered\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<tr class=\"missing-log\" data-session=\"alice-0001\"", page, StringComparison.Ordinal);

        using var table = new StringWriter();
        await TableReportRenderer.RenderAsync(report, table, ct);
        Assert.Contains("Missing logs", table.ToString(), StringComparison.Ordinal);
        Assert.Contains(table.ToString().Split('\n'), l => l.StartsWith("=cmd-0003", StringComparison.Ordinal) && l.TrimEnd().EndsWith("MISSING", StringComparison.Ordinal));
    }

    private const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string WebRole = "arn:aws:iam::111122223333:role/ec2-ssm";
    private const string AppRole = "arn:aws:iam::111122223333:role/app";

    private static SessionRecord On(string id, string target) => Ended(id) with { Target = target };

    private static FakeSessionActivitySource KeyedBucket(params SessionRecord[] history)
    {
        var source = Source(history, shell: new LogDestinations("logs-bucket", "s/", true, null));
        source.Buckets["logs-bucket"] = [];
        source.CustomerKeys["logs-bucket"] = Key;
        return source;
    }

    [Fact]
    public async Task A_missing_log_in_a_bucket_with_a_customer_key_names_the_instance_role_and_the_fix()
    {
        var source = KeyedBucket(On("alice-0001", "i-0000000000000web1"), On("alice-0002", "i-00000000000000app"), On("alice-0003", "i-0000000000unknown"));
        source.InstanceRoles["i-0000000000000web1"] = WebRole;
        source.InstanceRoles["i-00000000000000app"] = AppRole;

        var (_, rows) = await RunAsync(source, new ReportOptions { InstanceRoles = [WebRole] });

        Assert.Equal(AppRole, rows["alice-0002"].InstanceRole);
        Assert.Equal($"no object s3://logs-bucket/s/alice-0002.log: instance role {AppRole} is not in spec.instanceRoles: add it so the operator grants it GenerateDataKey on key {Key}", rows["alice-0002"].LogNote);
        Assert.Equal(WebRole, rows["alice-0001"].InstanceRole);
        Assert.Contains($"instance role {WebRole} is in spec.instanceRoles", rows["alice-0001"].LogNote, StringComparison.Ordinal);
        Assert.Contains("KmsGrantsReady", rows["alice-0001"].LogNote, StringComparison.Ordinal);
        // A role that cannot be read names no fix, and the report still comes.
        Assert.Null(rows["alice-0003"].InstanceRole);
        Assert.Equal("no object s3://logs-bucket/s/alice-0003.log", rows["alice-0003"].LogNote);
        Assert.All(rows.Values, r => Assert.False(r.LogDelivered));
        // One lookup for the three targets.
        Assert.Equal(["i-0000000000000web1", "i-00000000000000app", "i-0000000000unknown"], Assert.Single(source.RoleLookups));
    }

    [Fact]
    public async Task Without_a_policy_the_fix_points_at_the_policys_instance_roles()
    {
        var source = KeyedBucket(On("alice-0001", "mi-0000000000000001"));
        source.InstanceRoles["mi-0000000000000001"] = AppRole;

        var (_, rows) = await RunAsync(source);

        Assert.Equal($"no object s3://logs-bucket/s/alice-0001.log: instance role {AppRole} needs kms:GenerateDataKey on the bucket's key {Key}: add it to the policy's spec.instanceRoles so the operator grants it", rows["alice-0001"].LogNote);
    }

    [Fact]
    public async Task Roles_are_read_only_for_missing_logs_in_customer_key_buckets_and_once_per_instance()
    {
        var source = KeyedBucket([.. Enumerable.Range(0, 250).Select(i => On($"alice-{i:D4}", $"i-{i % 120:D17}"))]);
        source.Buckets["logs-bucket"] = ["s/alice-0000.log"];
        var plain = Source([On("bob-0001", "i-00000000000000001")], shell: new LogDestinations("aws-key-bucket", "", true, null));
        plain.Buckets["aws-key-bucket"] = [];

        var (_, rows) = await RunAsync(source);
        await RunAsync(plain);

        Assert.True(rows["alice-0000"].LogDelivered);
        Assert.Equal(249, rows.Values.Count(r => r.LogDelivered == false));
        // 119 instances with a missing log (instance 0's other sessions too: 120), in batches of at most 100, each once.
        Assert.All(source.RoleLookups, l => Assert.InRange(l.Count, 1, 100));
        Assert.Equal(120, source.RoleLookups.SelectMany(l => l).Distinct().Count());
        Assert.Equal(120, source.RoleLookups.Sum(l => l.Count));
        Assert.Empty(plain.RoleLookups);
    }

    [Fact]
    public async Task Csv_json_table_and_html_carry_the_instance_role_and_the_fix()
    {
        var source = KeyedBucket(On("alice-0001", "i-00000000000000app"));
        source.InstanceRoles["i-00000000000000app"] = AppRole;
        var ct = TestContext.Current.CancellationToken;
        using var csvText = new StringWriter();
        using var jsonBytes = new MemoryStream();
        var csv = new CsvReportWriter(csvText);
        await using var json = new JsonReportWriter(jsonBytes);
        var report = await new SessionReportEngine(source, new FakeTimeProvider(SeededHistory.Now)).RunAsync(new ReportOptions(), new CompositeRowSink(csv, json), null, ct);
        await csv.CompleteAsync(ct);
        await json.CompleteAsync(report, ct);

        var records = Csv.Parse(csvText.ToString());
        Assert.Equal("instanceRole", records[0][^1]);
        Assert.Equal(AppRole, records[1][^1]);
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(jsonBytes.ToArray()));
        var session = Assert.Single(doc.RootElement.GetProperty("sessions").EnumerateArray());
        Assert.Equal(AppRole, session.GetProperty("instanceRole").GetString());
        Assert.Contains("spec.instanceRoles", session.GetProperty("logNote").GetString(), StringComparison.Ordinal);

        using var table = new StringWriter();
        await TableReportRenderer.RenderAsync(report, table, ct);
        Assert.Contains($"  alice-0001: no object s3://logs-bucket/s/alice-0001.log: instance role {AppRole} needs kms:GenerateDataKey", table.ToString(), StringComparison.Ordinal);
        using var html = new StringWriter();
        await HtmlReportRenderer.RenderAsync(report, html, ct);
        Assert.Contains($"instance role {AppRole} needs kms:GenerateDataKey", html.ToString(), StringComparison.Ordinal);
    }

    private sealed class RowCollector : ISessionRowSink
    {
        public List<SessionRow> Rows { get; } = [];

        public ValueTask WriteRowAsync(SessionRow row, CancellationToken cancellationToken)
        {
            Rows.Add(row);
            return ValueTask.CompletedTask;
        }
    }
}
