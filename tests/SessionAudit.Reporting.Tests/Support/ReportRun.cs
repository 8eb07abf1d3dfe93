using System.Text;
using Microsoft.Extensions.Time.Testing;
using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Rendering;

namespace SessionAudit.Reporting.Tests.Support;

/// <summary>Runs the engine over a seeded history once, exporting CSV and JSON through the streaming sinks, as the CLI would.</summary>
internal sealed record ReportRun(SessionReport Report, string Csv, string Json)
{
    public static async Task<ReportRun> ExportAsync(SeededHistory seed, ReportOptions options, CancellationToken cancellationToken)
    {
        var engine = new SessionReportEngine(new FakeSessionActivitySource(seed.History, seed.Active, seed.Instances), new FakeTimeProvider(SeededHistory.Now));
        using var csvText = new StringWriter();
        using var jsonBytes = new MemoryStream();
        var csv = new CsvReportWriter(csvText, options.Account, options.Region);
        await using var json = new JsonReportWriter(jsonBytes);
        var report = await engine.RunAsync(options, new CompositeRowSink(csv, json), null, cancellationToken);
        await csv.CompleteAsync(cancellationToken);
        await json.CompleteAsync(report, cancellationToken);
        return new ReportRun(report, csvText.ToString(), Encoding.UTF8.GetString(jsonBytes.ToArray()));
    }
}
