using System.Globalization;
using System.Text;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Readiness;

namespace SessionAudit.Reporting.Rendering;

/// <summary>Renders a report as plain text for a terminal: a table with aligned columns, then the summary and node readiness.</summary>
public static class TableReportRenderer
{
    /// <summary>The column headings; <see cref="Cells"/> gives the matching cells, for a CLI that draws its own table.</summary>
    public static readonly IReadOnlyList<string> Headers =
        ["SESSION ID", "TARGET", "OWNER", "DOCUMENT", "START (UTC)", "END (UTC)", "DURATION", "STATUS", "ACCESS", "LOGGED", "DELIVERED"];

    private const string Gap = "  ";

    /// <summary>The cells of one row, in the order of <see cref="Headers"/>.</summary>
    public static string[] Cells(SessionRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return
        [
            row.SessionId,
            row.Target ?? "-",
            row.Owner ?? "-",
            row.DocumentName ?? "-",
            Short(row.Start),
            row.End is null ? (row.State == Ports.SessionState.Active ? "(open)" : "-") : Short(row.End),
            ReportText.Duration(row.Duration) is { Length: > 0 } d ? d : "-",
            row.Status,
            row.AccessType ?? "-",
            ReportText.LoggedText(row),
            row.LogDelivered switch { true => "yes", false => "MISSING", null => "-" },
        ];
    }

    /// <summary>Writes the whole report: table of the retained rows, summary, readiness.</summary>
    public static async Task RenderAsync(SessionReport report, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var s = report.Summary;
        var text = new StringBuilder();
        var source = ReportText.Source(report.Account, report.Region) is { Length: > 0 } src ? $" in {src}" : "";
        text.Append(CultureInfo.InvariantCulture, $"Session Manager sessions{source}, last {ReportText.Plural(s.Window.Days, "day", "days")}: {Short(s.Window.Start)} to {Short(s.Window.End)} UTC").AppendLine().AppendLine();
        await writer.WriteAsync(text, cancellationToken);
        text.Clear();

        if (report.Rows.Count == 0)
        {
            text.AppendLine("No sessions in the window.");
        }
        else
        {
            await WriteTableAsync(writer, Headers, report.Rows.Select(Cells), cancellationToken);
            if (!report.AllRowsRetained)
            {
                text.Append(CultureInfo.InvariantCulture, $"Showing {ReportText.Count(report.Rows.Count)} of {ReportText.Plural(s.Total, "session", "sessions")}; the CSV and JSON formats list all.").AppendLine();
            }
        }

        // The table's log column says only MISSING; why, and the fix when the report can name it, follow the table.
        var missing = report.Rows.Where(r => r.LogDelivered == false && r.LogNote is not null).ToList();
        if (missing.Count > 0)
        {
            text.AppendLine().AppendLine("Why logs are missing");
            foreach (var row in missing)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {Clean(row.SessionId)}: {Clean(row.LogNote!)}").AppendLine();
            }
        }

        text.AppendLine();
        AppendSummary(text, report);
        AppendReadiness(text, report.Instances);
        await writer.WriteAsync(text, cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>Writes rows under headings, each column as wide as its widest cell.</summary>
    public static async Task WriteTableAsync(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<string[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(headers);
        var all = rows.ToList();
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var cells in all)
        {
            for (var i = 0; i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], Clean(cells[i]).Length);
            }
        }

        var line = new StringBuilder();
        AppendLine(line, [.. headers], widths);
        AppendLine(line, [.. widths.Select(w => new string('-', w))], widths);
        foreach (var cells in all)
        {
            AppendLine(line, cells, widths);
            if (line.Length > 64 * 1024)
            {
                await writer.WriteAsync(line, cancellationToken);
                line.Clear();
            }
        }

        await writer.WriteAsync(line, cancellationToken);
    }

    private static void AppendLine(StringBuilder line, string[] cells, int[] widths)
    {
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = Clean(cells[i]);
            if (i == widths.Length - 1)
            {
                line.Append(cell);
            }
            else
            {
                line.Append(cell.PadRight(widths[i])).Append(Gap);
            }
        }

        line.AppendLine();
    }

    private static void AppendSummary(StringBuilder text, SessionReport report)
    {
        var s = report.Summary;
        text.AppendLine("Summary");
        Field(text, "Sessions", ReportText.Count(s.Total));
        Field(text, "By status", s.ByStatus.Count == 0 ? "-" : string.Join(", ", s.ByStatus.Select(kv => $"{Clean(kv.Key)} {ReportText.Count(kv.Value)}")));
        Field(text, "Distinct targets", ReportText.Count(s.DistinctTargets));
        Field(text, "Distinct owners", ReportText.Count(s.DistinctOwners));
        var reasons = report.UnloggedByReason.Count == 0
            ? string.Empty
            : " (" + string.Join(", ", report.UnloggedByReason.Select(kv => $"{ReportText.ReasonText(kv.Key)} {ReportText.Count(kv.Value)}")) + ")";
        Field(text, "Not logged", ReportText.Count(s.Unlogged) + reasons);
        Field(text, "Missing logs", ReportText.Count(s.MissingLogs) + (s.MissingLogs > 0 ? " (ended, logged sessions whose log is not in S3 or CloudWatch Logs; see logNote in CSV or JSON)" : string.Empty));
        Field(text, "Readiness warnings", ReportText.Count(s.ReadinessWarnings));
        Field(text, "Top targets", Top(report.TopTargets));
        Field(text, "Top owners", Top(report.TopOwners));
        Field(text, "Generated", ReportText.Timestamp(s.LastReportTime));
        text.AppendLine();
    }

    private static void AppendReadiness(StringBuilder text, IReadOnlyList<InstanceReadiness> instances)
    {
        text.Append(CultureInfo.InvariantCulture, $"Managed nodes ({ReportText.Count(instances.Count)})").AppendLine();
        if (instances.Count == 0)
        {
            text.AppendLine("  none reported");
            return;
        }

        foreach (var i in instances)
        {
            var name = i.ComputerName is { Length: > 0 } host ? $"{i.InstanceId} ({host})" : i.InstanceId;
            text.Append(CultureInfo.InvariantCulture, $"  {Clean(name)}: {Clean(i.Platform)}, agent {Clean(i.AgentVersion ?? "unknown")}, {Clean(i.PingStatus ?? "ping status unknown")}").AppendLine();
            foreach (var f in i.Findings)
            {
                text.Append(CultureInfo.InvariantCulture, $"    {(f.Severity == ReadinessSeverity.Warning ? "WARNING" : "note")}: {Clean(f.Message)}").AppendLine();
            }
        }
    }

    private static void Field(StringBuilder text, string name, string value) =>
        text.Append("  ").Append((name + ":").PadRight(20)).AppendLine(value);

    private static string Top(IReadOnlyList<NameCount> top) =>
        top.Count == 0 ? "-" : string.Join(", ", top.Take(5).Select(t => $"{Clean(t.Name)} ({ReportText.Count(t.Sessions)})"));

    private static string Short(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";

    // Control characters in a value (a line break breaks the alignment of every column after it; an ESC drives the
    // terminal) and bidi overrides are escaped.
    private static string Clean(string value) => ReportText.Printable(value);
}
