using System.Text.Encodings.Web;
using System.Text.Json;
using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Readiness;

namespace SessionAudit.Reporting.Rendering;

/// <summary>
/// Writes the report as one UTF-8 JSON document, row by row: <c>schemaVersion</c>, <c>sessions</c> (streamed), then
/// <c>account</c>, <c>region</c>, <c>summary</c>, <c>unloggedByReason</c>, <c>sessionsPerDay</c>, <c>topTargets</c>, <c>topOwners</c>, <c>instances</c>.
/// Field names are stable; docs/REPORT.md describes them.
/// </summary>
public sealed class JsonReportWriter : ISessionRowSink, IAsyncDisposable
{
    /// <summary>Bumped when a field changes meaning or disappears; adding fields does not bump it.</summary>
    public const int SchemaVersion = 1;

    private const int FlushThreshold = 32 * 1024;
    private readonly Utf8JsonWriter json;
    private bool started;

    /// <summary>Creates a writer on <paramref name="stream"/>; the stream stays open.</summary>
    public JsonReportWriter(Stream stream, bool indented = false)
    {
        json = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = indented,
            // Owner ARNs and reasons are data, not HTML: keep '+' and non-ASCII readable instead of \u escapes.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }

    /// <inheritdoc />
    public async ValueTask WriteRowAsync(SessionRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        Start();
        WriteRow(row);
        if (json.BytesPending > FlushThreshold)
        {
            await json.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Closes the sessions array, writes everything else from the finished report, and flushes.</summary>
    public async Task CompleteAsync(SessionReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        Start();
        json.WriteEndArray();

        WriteStringOrNull("account", report.Account);
        WriteStringOrNull("region", report.Region);
        json.WritePropertyName("summary");
        JsonSerializer.Serialize(json, report.Summary, ReportJsonContext.Default.ReportSummary);

        json.WriteStartObject("unloggedByReason");
        foreach (var (reason, count) in report.UnloggedByReason)
        {
            json.WriteNumber(ReportText.ReasonCode(reason), count);
        }

        json.WriteEndObject();

        json.WriteStartArray("sessionsPerDay");
        foreach (var day in report.SessionsPerDay)
        {
            json.WriteStartObject();
            json.WriteString("day", day.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("sessions", day.Sessions);
            json.WriteNumber("unlogged", day.Unlogged);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteTop("topTargets", report.TopTargets);
        WriteTop("topOwners", report.TopOwners);

        json.WriteStartArray("instances");
        foreach (var instance in report.Instances)
        {
            WriteInstance(instance);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    /// <summary>Writes a finished report with its retained rows (use the engine's sink to export every row).</summary>
    public static async Task WriteAsync(SessionReport report, Stream stream, CancellationToken cancellationToken, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        await using var writer = new JsonReportWriter(stream, indented);
        foreach (var row in report.Rows)
        {
            await writer.WriteRowAsync(row, cancellationToken);
        }

        await writer.CompleteAsync(report, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => json.DisposeAsync();

    private void Start()
    {
        if (started)
        {
            return;
        }

        started = true;
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", SchemaVersion);
        json.WriteStartArray("sessions");
    }

    private void WriteRow(SessionRow row)
    {
        json.WriteStartObject();
        json.WriteString("sessionId", row.SessionId);
        WriteStringOrNull("target", row.Target);
        WriteStringOrNull("owner", row.Owner);
        WriteStringOrNull("document", row.DocumentName);
        WriteStringOrNull("start", row.Start is null ? null : ReportText.Timestamp(row.Start));
        WriteStringOrNull("end", row.End is null ? null : ReportText.Timestamp(row.End));
        if (row.Duration is { } duration)
        {
            json.WriteNumber("durationSeconds", (long)Math.Floor(duration.TotalSeconds));
        }
        else
        {
            json.WriteNull("durationSeconds");
        }

        json.WriteString("status", row.Status);
        WriteStringOrNull("accessType", row.AccessType);
        json.WriteString("state", ReportText.StateCode(row.State));
        json.WriteBoolean("logged", row.Logged);
        WriteStringOrNull("notLoggedReason", row.Logged ? null : ReportText.ReasonCode(row.NotLoggedReason));
        if (row.LogDelivered is { } delivered)
        {
            json.WriteBoolean("logDelivered", delivered);
        }
        else
        {
            json.WriteNull("logDelivered");
        }

        WriteStringOrNull("logLocation", row.LogLocation);
        WriteStringOrNull("logNote", row.LogNote);
        WriteStringOrNull("instanceRole", row.InstanceRole);
        json.WriteEndObject();
    }

    private void WriteTop(string name, IReadOnlyList<NameCount> top)
    {
        json.WriteStartArray(name);
        foreach (var entry in top)
        {
            json.WriteStartObject();
            json.WriteString("name", entry.Name);
            json.WriteNumber("sessions", entry.Sessions);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private void WriteInstance(InstanceReadiness instance)
    {
        json.WriteStartObject();
        json.WriteString("instanceId", instance.InstanceId);
        WriteStringOrNull("computerName", instance.ComputerName);
        WriteStringOrNull("platformType", instance.PlatformType);
        WriteStringOrNull("platformName", instance.PlatformName);
        WriteStringOrNull("platformVersion", instance.PlatformVersion);
        json.WriteString("platform", instance.Platform);
        WriteStringOrNull("agentVersion", instance.AgentVersion);
        WriteStringOrNull("pingStatus", instance.PingStatus);
        json.WriteNumber("warnings", instance.Warnings);
        json.WriteStartArray("findings");
        foreach (var finding in instance.Findings)
        {
            json.WriteStartObject();
            json.WriteString("code", finding.Code);
            json.WriteString("severity", finding.Severity == ReadinessSeverity.Warning ? "warning" : "note");
            json.WriteString("message", finding.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteStringOrNull(string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
