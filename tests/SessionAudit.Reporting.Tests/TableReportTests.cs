using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Rendering;
using SessionAudit.Reporting.Tests.Support;
using Xunit;

namespace SessionAudit.Reporting.Tests;

public sealed class TableReportTests
{
    private static async Task<string[]> RenderAsync(ReportOptions options, SeededHistory seed)
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await ReportRun.ExportAsync(seed, options, ct);
        using var writer = new StringWriter();
        await TableReportRenderer.RenderAsync(run.Report, writer, ct);
        return writer.ToString().Split(Environment.NewLine);
    }

    [Fact]
    public async Task Columns_line_up_under_their_headings()
    {
        var lines = await RenderAsync(new ReportOptions(), new SeededHistory());

        var header = Array.FindIndex(lines, l => l.StartsWith("SESSION ID", StringComparison.Ordinal));
        Assert.True(header > 0);
        var starts = TableReportRenderer.Headers.Select(h => lines[header].IndexOf(h, StringComparison.Ordinal)).ToArray();
        Assert.All(starts, s => Assert.True(s >= 0));
        var body = lines.Skip(header + 2).TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(262, body.Count);
        foreach (var line in body)
        {
            // Every cell begins at its heading's column, after at least two spaces.
            foreach (var s in starts.Skip(1))
            {
                Assert.True(line[s - 1] == ' ' && line[s - 2] == ' ' && line[s] != ' ', $"misaligned at {s}: {line}");
            }
        }

        Assert.Contains(body, l => l.StartsWith("open1-0a1b2c3d4e5f", StringComparison.Ordinal) && l.Contains("no (SSH)", StringComparison.Ordinal) && l.TrimEnd().EndsWith(" -", StringComparison.Ordinal) && l.Contains("(open)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_summary_and_readiness_follow_the_table()
    {
        var seed = new SeededHistory();
        seed.Instances.Add(new Ports.ManagedInstance { InstanceId = "i-0old", PlatformType = "Windows", PlatformVersion = "6.1.7601", AgentVersion = "2.3.538.0" });
        var lines = await RenderAsync(new ReportOptions { KmsEncryptionConfigured = true, MaxRetainedRows = 5 }, seed);

        Assert.Contains("Showing 5 of 262 sessions; the CSV and JSON formats list all.", lines);
        Assert.Contains("  Sessions:           262", lines);
        Assert.Contains("  By status:          Connected 2, Failed 10, Terminated 250", lines);
        Assert.Contains("  Not logged:         50 (port forwarding 26, SSH 14, failed to start 10)", lines);
        Assert.Contains("  Readiness warnings: 2", lines);
        Assert.Contains("  i-0old: Windows Server 2008 R2 (6.1.7601), agent 2.3.538.0, ping status unknown", lines);
        Assert.Equal(2, lines.Count(l => l.StartsWith("    WARNING: ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_heading_names_the_account_and_region_and_counts_speak_singular_for_one()
    {
        var lines = await RenderAsync(new ReportOptions { Days = 1, Account = "111122223333", Region = "eu-west-1" }, new SeededHistory());
        Assert.StartsWith("Session Manager sessions in account 111122223333, eu-west-1, last 1 day: ", lines[0], StringComparison.Ordinal);

        var unnamed = await RenderAsync(new ReportOptions(), new SeededHistory());
        Assert.StartsWith("Session Manager sessions, last 30 days: ", unnamed[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0 sessions")]
    [InlineData(1, "1 session")]
    [InlineData(2, "2 sessions")]
    [InlineData(1000, "1,000 sessions")]
    public void Plural_is_singular_only_for_one(int n, string expected) =>
        Assert.Equal(expected, ReportText.Plural(n, "session", "sessions"));
}
