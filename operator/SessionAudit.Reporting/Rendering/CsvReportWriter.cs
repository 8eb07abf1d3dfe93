using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;

namespace SessionAudit.Reporting.Rendering;

/// <summary>Writes rows as RFC 4180 CSV (CRLF line ends, a header line, fields quoted when they hold a comma, quote or line break), row by row.
/// Every row names the account and region it is from, so files of several accounts can be joined.</summary>
public sealed class CsvReportWriter(TextWriter writer, string? account = null, string? region = null) : ISessionRowSink
{
    /// <summary>The column names: the JSON row fields, then the report's account and region, then the delivery fields
    /// (added last, so that consumers of the older columns keep working).</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "sessionId", "target", "owner", "document", "start", "end", "durationSeconds",
        "status", "accessType", "state", "logged", "notLoggedReason", "account", "region",
        "logDelivered", "logLocation", "logNote", "instanceRole",
    ];

    private bool headerWritten;

    /// <inheritdoc />
    public async ValueTask WriteRowAsync(SessionRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        await WriteHeaderOnceAsync(cancellationToken);
        await WriteLineAsync(
            [
                row.SessionId,
                row.Target,
                row.Owner,
                row.DocumentName,
                ReportText.Timestamp(row.Start),
                ReportText.Timestamp(row.End),
                ReportText.Seconds(row.Duration),
                row.Status,
                row.AccessType,
                ReportText.StateCode(row.State),
                row.Logged ? "true" : "false",
                ReportText.ReasonCode(row.NotLoggedReason),
                account,
                region,
                ReportText.Delivered(row.LogDelivered),
                row.LogLocation,
                row.LogNote,
                row.InstanceRole,
            ],
            cancellationToken);
    }

    /// <summary>Writes the header if no row came, and flushes.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await WriteHeaderOnceAsync(cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>Writes the retained rows of a finished report (use the engine's sink to export every row).</summary>
    public static async Task WriteAsync(SessionReport report, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new CsvReportWriter(writer, report.Account, report.Region);
        foreach (var row in report.Rows)
        {
            await csv.WriteRowAsync(row, cancellationToken);
        }

        await csv.CompleteAsync(cancellationToken);
    }

    /// <summary>Quotes a field when RFC 4180 requires it; a field a spreadsheet would take for a formula (starting with
    /// = + - @, a tab or a carriage return: OWASP "CSV Injection") is prefixed with an apostrophe, so it stays text.</summary>
    public static string Escape(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return string.Empty;
        }

        if (field[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            field = "'" + field;
        }

        return field.AsSpan().IndexOfAny(",\"\r\n\t") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private async ValueTask WriteHeaderOnceAsync(CancellationToken cancellationToken)
    {
        if (!headerWritten)
        {
            headerWritten = true;
            await WriteLineAsync([.. Columns], cancellationToken);
        }
    }

    private async ValueTask WriteLineAsync(string?[] fields, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var line = string.Join(',', fields.Select(Escape)) + "\r\n";
        await writer.WriteAsync(line.AsMemory(), cancellationToken);
    }
}
