using System.Text;
using System.Text.Json;
using SessionAudit.Reporting.Export;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;
using SessionAudit.Reporting.Rendering;
using SessionAudit.Reporting.Tests.Support;
using Xunit;

namespace SessionAudit.Reporting.Tests;

/// <summary>The report's export: report.json and report.html under the policy's prefix, written through the export port.</summary>
public sealed class ReportExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_export_is_the_JSON_document_then_the_HTML_page_under_the_prefix()
    {
        var report = (await ReportRun.ExportAsync(new SeededHistory(), new ReportOptions(), Ct)).Report;
        const string html = "<!doctype html><p>Sessions – 30 days</p>";

        var files = await ReportExport.FilesAsync(report, html, "audit-reports", "reports/team-a/", Ct);

        Assert.Equal(
            [("audit-reports", "reports/team-a/report.json", "application/json"), ("audit-reports", "reports/team-a/report.html", "text/html; charset=utf-8")],
            files.Select(f => (f.Bucket, f.Key, f.ContentType)));
        using var expected = new MemoryStream();
        await JsonReportWriter.WriteAsync(report, expected, Ct);
        Assert.Equal(expected.ToArray(), files[0].Content.ToArray());
        using var json = JsonDocument.Parse(files[0].Content);
        Assert.Equal(report.Summary.Total, json.RootElement.GetProperty("summary").GetProperty("total").GetInt32());
        Assert.Equal(html, Encoding.UTF8.GetString(files[1].Content.Span));
    }

    [Fact]
    public async Task Without_a_prefix_the_files_are_at_the_top_of_the_bucket()
    {
        var report = (await ReportRun.ExportAsync(new SeededHistory(), new ReportOptions(), Ct)).Report;

        var files = await ReportExport.FilesAsync(report, "<p></p>", "audit-reports", keyPrefix: null, Ct);

        Assert.Equal(["report.json", "report.html"], files.Select(f => f.Key));
    }

    [Fact]
    public async Task Every_file_goes_through_the_port_in_order_and_a_failed_write_stops_the_export()
    {
        var report = (await ReportRun.ExportAsync(new SeededHistory(), new ReportOptions(), Ct)).Report;
        var port = new RecordingPort();

        await ReportExport.WriteAsync(port, report, "<p></p>", "audit-reports", "r/", Ct);
        Assert.Equal(["r/report.json", "r/report.html"], port.Written.Select(f => f.Key));

        var failing = new RecordingPort { FailOn = "r/report.json" };
        var failure = await Assert.ThrowsAsync<IOException>(() => ReportExport.WriteAsync(failing, report, "<p></p>", "audit-reports", "r/", Ct));
        Assert.Equal("r/report.json refused", failure.Message);
        Assert.Empty(failing.Written);
    }

    private sealed class RecordingPort : IReportExportPort
    {
        public List<ReportFile> Written { get; } = [];

        public string? FailOn { get; init; }

        public Task WriteAsync(ReportFile file, CancellationToken cancellationToken)
        {
            if (file.Key == FailOn)
            {
                throw new IOException(file.Key + " refused");
            }

            Written.Add(file);
            return Task.CompletedTask;
        }
    }
}
