using System.Globalization;
using System.Net;
using System.Text;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Readiness;

namespace SessionAudit.Reporting.Rendering;

/// <summary>
/// Renders a report as one self-contained HTML page for people: summary, sessions-per-day chart (inline SVG),
/// top targets and owners, unlogged sessions highlighted, session table, node readiness. No script, no font,
/// no style sheet and no image is loaded from anywhere: a Content-Security-Policy forbids it, so it opens offline.
/// </summary>
/// <remarks>The page lists the rows the report retained (<see cref="ReportOptions.MaxRetainedRows"/>) and says so when that is not all.</remarks>
public static class HtmlReportRenderer
{
    private const int ChartWidth = 960;
    private const int ChartHeight = 220;
    private const int AxisLeft = 40;
    private const int AxisBottom = 24;
    private const int AxisTop = 10;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the page to <paramref name="writer"/>.</summary>
    public static async Task RenderAsync(SessionReport report, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var html = new StringBuilder(64 * 1024);
        AppendHead(html, report);
        AppendSummary(html, report);
        AppendChart(html, report.SessionsPerDay);
        AppendTops(html, report);
        await writer.WriteAsync(html, cancellationToken);
        html.Clear();

        html.Append("<section id=\"unlogged\"><h2>Sessions that were not logged</h2>");
        html.Append("<p class=\"hint\">Session Manager does not log sessions through port forwarding or SSH (SSH encrypts the data; Session Manager only tunnels it), and a session that failed to start left nothing to log.</p>");
        await WriteSessionTableAsync(writer, html, "unlogged-sessions", report.UnloggedRows, report.Summary.Unlogged, "No unlogged sessions in the window.", cancellationToken);
        html.Append("</section><section id=\"sessions\"><h2>All sessions</h2>");
        await WriteSessionTableAsync(writer, html, "all-sessions", report.Rows, report.Summary.Total, "No sessions in the window.", cancellationToken);
        html.Append("</section>");

        AppendReadiness(html, report.Instances);
        html.Append(CultureInfo.InvariantCulture, $"<footer>Generated {E(ReportText.Timestamp(report.Summary.LastReportTime))} by session-audit.</footer></body></html>\n");
        await writer.WriteAsync(html, cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    private static void AppendHead(StringBuilder html, SessionReport report)
    {
        var w = report.Summary.Window;
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        var days = ReportText.Plural(w.Days, "day", "days");
        var source = ReportText.Source(report.Account, report.Region);
        var titled = source.Length > 0 ? $", {source}" : "";
        html.Append(CultureInfo.InvariantCulture, $"<title>Session Manager activity{E(titled)}, last {days}</title>");
        html.Append("<style>").Append(Css).Append("</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<header><h1>Session Manager activity</h1><p id=\"source\">{(source.Length > 0 ? E(char.ToUpperInvariant(source[0]) + source[1..]) + ". " : "")}Last {days}: {E(Day(w.Start))} {E(w.Start.UtcDateTime.ToString("HH:mm", Inv))} to {E(Day(w.End))} {E(w.End.UtcDateTime.ToString("HH:mm", Inv))} UTC</p></header>");
    }

    private static void AppendSummary(StringBuilder html, SessionReport report)
    {
        var s = report.Summary;
        html.Append("<section id=\"summary\"><div class=\"cards\">");
        Card(html, "total", "Sessions", s.Total, false);
        Card(html, "unlogged", "Not logged", s.Unlogged, s.Unlogged > 0);
        Card(html, "missing-logs", "Logs missing", s.MissingLogs, s.MissingLogs > 0);
        Card(html, "targets", "Targets", s.DistinctTargets, false);
        Card(html, "owners", "Owners", s.DistinctOwners, false);
        Card(html, "readiness", "Readiness warnings", s.ReadinessWarnings, s.ReadinessWarnings > 0);
        html.Append("</div><p class=\"statuses\">");
        if (s.ByStatus.Count == 0)
        {
            html.Append("No sessions.");
        }

        foreach (var (status, count) in s.ByStatus)
        {
            html.Append(CultureInfo.InvariantCulture, $"<span class=\"status\" data-status=\"{E(status)}\">{E(status)} <b>{ReportText.Count(count)}</b></span> ");
        }

        foreach (var (reason, count) in report.UnloggedByReason)
        {
            html.Append(CultureInfo.InvariantCulture, $"<span class=\"status reason\" data-reason=\"{ReportText.ReasonCode(reason)}\">not logged, {E(ReportText.ReasonText(reason))} <b>{ReportText.Count(count)}</b></span> ");
        }

        html.Append("</p></section>");
    }

    private static void Card(StringBuilder html, string id, string label, int value, bool alert) =>
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"card{(alert ? " alert" : string.Empty)}\" id=\"card-{id}\"><div class=\"value\">{ReportText.Count(value)}</div><div class=\"label\">{label}</div></div>");

    private static void AppendChart(StringBuilder html, IReadOnlyList<DayCount> days)
    {
        html.Append("<section id=\"per-day\"><h2>Sessions per day</h2>");
        var max = Math.Max(1, days.Count == 0 ? 0 : days.Max(d => d.Sessions));
        var plotWidth = ChartWidth - AxisLeft - 10;
        var plotHeight = ChartHeight - AxisTop - AxisBottom;
        var slot = days.Count == 0 ? plotWidth : (double)plotWidth / days.Count;
        var barWidth = Math.Max(1, slot * 0.75);
        var baseline = AxisTop + plotHeight;

        html.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" aria-label=\"Sessions per day\" viewBox=\"0 0 {ChartWidth} {ChartHeight}\" width=\"{ChartWidth}\" height=\"{ChartHeight}\">");
        html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{AxisLeft}\" y1=\"{baseline}\" x2=\"{ChartWidth - 10}\" y2=\"{baseline}\"/>");
        html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{AxisLeft}\" y1=\"{AxisTop}\" x2=\"{AxisLeft}\" y2=\"{baseline}\"/>");
        html.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{AxisLeft - 4}\" y=\"{AxisTop + 4}\" text-anchor=\"end\">{max}</text>");
        html.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{AxisLeft - 4}\" y=\"{baseline}\" text-anchor=\"end\">0</text>");
        var labelEvery = Math.Max(1, (int)Math.Ceiling(days.Count / 8.0));
        for (var i = 0; i < days.Count; i++)
        {
            var d = days[i];
            var x = AxisLeft + (i * slot) + ((slot - barWidth) / 2);
            var h = (double)d.Sessions / max * plotHeight;
            var hu = (double)d.Unlogged / max * plotHeight;
            var day = Day(d.Day);
            html.Append(Inv, $"<g class=\"day\" data-day=\"{day}\" data-sessions=\"{d.Sessions}\" data-unlogged=\"{d.Unlogged}\"><title>{day}: {ReportText.Plural(d.Sessions, "session", "sessions")}, {d.Unlogged} not logged</title>");
            html.Append(Inv, $"<rect class=\"bar\" x=\"{x:0.##}\" y=\"{baseline - h:0.##}\" width=\"{barWidth:0.##}\" height=\"{h:0.##}\"/>");
            if (d.Unlogged > 0)
            {
                html.Append(Inv, $"<rect class=\"bar-unlogged\" x=\"{x:0.##}\" y=\"{baseline - hu:0.##}\" width=\"{barWidth:0.##}\" height=\"{hu:0.##}\"/>");
            }

            html.Append("</g>");
            if (i % labelEvery == 0)
            {
                html.Append(Inv, $"<text class=\"tick\" x=\"{x + (barWidth / 2):0.##}\" y=\"{ChartHeight - 6}\" text-anchor=\"middle\">{d.Day.ToString("MM-dd", Inv)}</text>");
            }
        }

        html.Append("</svg><p class=\"legend\"><span class=\"swatch logged\"></span> sessions <span class=\"swatch unlogged\"></span> of which not logged (UTC days)</p></section>");
    }

    private static void AppendTops(StringBuilder html, SessionReport report)
    {
        html.Append("<section id=\"tops\" class=\"columns\">");
        AppendTop(html, "top-targets", "Top targets", report.TopTargets);
        AppendTop(html, "top-owners", "Top owners", report.TopOwners);
        html.Append("</section>");
    }

    private static void AppendTop(StringBuilder html, string id, string title, IReadOnlyList<NameCount> top)
    {
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"{id}\"><h2>{title}</h2>");
        if (top.Count == 0)
        {
            html.Append("<p class=\"empty\">None.</p></div>");
            return;
        }

        var max = Math.Max(1, top[0].Sessions);
        html.Append("<table class=\"top\"><tbody>");
        foreach (var t in top)
        {
            html.Append(Inv, $"<tr><td class=\"name\">{E(t.Name)}</td><td class=\"count\">{ReportText.Count(t.Sessions)}</td><td class=\"meter\"><span style=\"width:{100.0 * t.Sessions / max:0.#}%\"></span></td></tr>");
        }

        html.Append("</tbody></table></div>");
    }

    private static async Task WriteSessionTableAsync(
        TextWriter writer, StringBuilder html, string id, IReadOnlyList<SessionRow> rows, int total, string empty, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"empty\">{empty}</p>");
            return;
        }

        if (rows.Count < total)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\" id=\"{id}-capped\">Showing the {ReportText.Count(rows.Count)} newest of {ReportText.Plural(total, "session", "sessions")}; the CSV and JSON formats list all.</p>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<div class=\"sessions-wrap\"><table class=\"sessions\" id=\"{id}\"><thead><tr>");
        foreach (var h in new[] { "Session", "Target", "Owner", "Document", "Start (UTC)", "End (UTC)", "Duration", "Status", "Access", "Logged" })
        {
            html.Append("<th>").Append(h).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var r in rows)
        {
            var cls = !r.Logged ? " class=\"unlogged\"" : r.LogDelivered == false ? " class=\"missing-log\"" : string.Empty;
            var reason = r.Logged ? string.Empty : $" data-reason=\"{ReportText.ReasonCode(r.NotLoggedReason)}\"";
            html.Append(CultureInfo.InvariantCulture, $"<tr{cls} data-session=\"{E(r.SessionId)}\"{reason}>");
            // Ids, owner ARNs and document names can be long: they wrap anywhere, the rest stays on one line, so the
            // table fits a 1280 px screen without hiding a column.
            Td(html, r.SessionId, "long");
            Td(html, r.Target);
            Td(html, r.Owner, "long");
            Td(html, r.DocumentName, "long");
            Td(html, Time(r.Start));
            Td(html, r.End is null && r.State == Ports.SessionState.Active ? "open" : Time(r.End));
            Td(html, ReportText.Duration(r.Duration));
            Td(html, r.Status);
            Td(html, r.AccessType);
            // Whether the log is where the preferences send it goes into the same cell (the table keeps its width); the
            // location and, when it cannot be known, the reason are in the tooltip; a missing log says why in the cell.
            var log = r.LogDelivered switch { true => "delivered", false => "missing", null => "unknown" };
            var tip = string.Join(": ", new[] { r.LogLocation, r.LogNote }.Where(t => t is not null));
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"words logged\" data-delivered=\"{log}\"{(tip.Length > 0 ? $" title=\"{E(tip)}\"" : string.Empty)}>{E(ReportText.LoggedText(r))}");
            if (r.LogDelivered is { } delivered)
            {
                html.Append(delivered ? "<span class=\"log\">, log delivered</span>" : $"<span class=\"log missing\">, log MISSING: {E(r.LogNote ?? "not found")}</span>");
            }

            html.Append("</td></tr>");
            if (html.Length > 256 * 1024)
            {
                await writer.WriteAsync(html, cancellationToken);
                html.Clear();
            }
        }

        html.Append("</tbody></table></div>");
    }

    private static void AppendReadiness(StringBuilder html, IReadOnlyList<InstanceReadiness> instances)
    {
        html.Append("<section id=\"readiness\"><h2>Managed node readiness</h2>");
        html.Append("<p class=\"hint\">Windows before Server 2012 R2 formats session logs poorly; Linux needs the screen utility or logs are cut; KMS session encryption needs SSM Agent 2.3.539.0 or later.</p>");
        if (instances.Count == 0)
        {
            html.Append("<p class=\"empty\">No managed nodes reported.</p></section>");
            return;
        }

        html.Append("<table class=\"nodes\"><thead><tr><th>Node</th><th>Name</th><th>Platform</th><th>Agent</th><th>Ping</th><th>Findings</th></tr></thead><tbody>");
        foreach (var i in instances)
        {
            var cls = i.Warnings > 0 ? " class=\"warning\"" : string.Empty;
            html.Append(CultureInfo.InvariantCulture, $"<tr{cls} data-instance=\"{E(i.InstanceId)}\">");
            Td(html, i.InstanceId);
            Td(html, i.ComputerName);
            Td(html, i.Platform);
            Td(html, i.AgentVersion);
            Td(html, i.PingStatus);
            html.Append("<td>");
            if (i.Findings.Count == 0)
            {
                html.Append("ready");
            }

            foreach (var f in i.Findings)
            {
                var sev = f.Severity == ReadinessSeverity.Warning ? "warning" : "note";
                html.Append(CultureInfo.InvariantCulture, $"<div class=\"finding {sev}\" data-code=\"{E(f.Code)}\"><b>{sev}</b> {E(f.Message)}</div>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void Td(StringBuilder html, string? value) => html.Append("<td>").Append(E(value)).Append("</td>");

    private static void Td(StringBuilder html, string? value, string cls) =>
        html.Append("<td class=\"").Append(cls).Append("\">").Append(E(value)).Append("</td>");

    // Encoded for HTML, with control characters and bidi overrides (which HTML encoding keeps) shown as escapes.
    private static string E(string? value) => WebUtility.HtmlEncode(ReportText.Printable(value));

    private static string Day(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", Inv);

    private static string Day(DateOnly value) => value.ToString("yyyy-MM-dd", Inv);

    private static string Time(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv) : string.Empty;

    private const string Css = """
        :root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bar:#2f6feb;--bad:#cf222e;--badbg:#ffebe9;--warnbg:#fff8c5}
        *{box-sizing:border-box}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);margin:24px;font-size:14px;line-height:1.4}
        h1{font-size:24px;margin:0}h2{font-size:18px;margin:28px 0 8px}
        header p,.hint,.legend,footer{color:var(--muted)}
        .cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}
        .card{border:1px solid var(--line);border-radius:6px;padding:10px 16px;min-width:140px}
        .card .value{font-size:26px;font-weight:600}.card .label{color:var(--muted)}
        .card.alert{border-color:var(--bad);background:var(--badbg)}.card.alert .value{color:var(--bad)}
        .status{display:inline-block;border:1px solid var(--line);border-radius:12px;padding:2px 10px;margin:2px}
        .status.reason{border-color:var(--bad);color:var(--bad)}
        svg.chart{max-width:100%;height:auto;display:block}
        .chart .bar{fill:var(--bar)}.chart .bar-unlogged{fill:var(--bad)}
        .chart .axis{stroke:var(--muted);stroke-width:1}.chart .tick{fill:var(--muted);font-size:11px}
        .swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}.swatch.logged{background:var(--bar)}.swatch.unlogged{background:var(--bad)}
        .columns{display:flex;gap:32px;flex-wrap:wrap}.columns>div{flex:1 1 380px}
        table{border-collapse:collapse;width:100%}
        th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f6f8fa;position:sticky;top:0}
        table.sessions td{white-space:nowrap;font-variant-numeric:tabular-nums}
        table.sessions td.long{white-space:normal;overflow-wrap:anywhere;min-width:8em}table.sessions th,table.sessions td{padding:4px 6px}table.sessions td.words{white-space:normal}
        tr.unlogged td{background:var(--badbg)}tr.unlogged td:first-child{box-shadow:inset 4px 0 0 var(--bad)}
        tr.unlogged td:last-child{color:var(--bad);font-weight:600}
        tr.missing-log td{background:var(--warnbg)}tr.missing-log td:first-child{box-shadow:inset 4px 0 0 var(--bad)}
        td.logged .log{color:var(--muted)}td.logged .log.missing{color:var(--bad);font-weight:600;overflow-wrap:anywhere}
        tr.warning td{background:var(--warnbg)}
        .finding.warning b{color:var(--bad)}.finding.note b{color:var(--muted)}
        table.top td.name{word-break:break-all}table.top td.count{text-align:right;width:60px}
        table.top td.meter{width:35%}table.top td.meter span{display:block;height:10px;background:var(--bar);border-radius:2px}
        .note{background:var(--warnbg);padding:6px 10px;border-radius:6px}
        .sessions-wrap{overflow-x:auto}
        footer{margin-top:32px}
        """;
}
