using System.Text.Json.Serialization;

namespace SessionAudit.Reporting.Model;

/// <summary>The time span a report covers: the last <see cref="Days"/> days up to <see cref="End"/>.</summary>
public sealed record ReportWindow(
    [property: JsonPropertyName("days")] int Days,
    [property: JsonPropertyName("start"), JsonConverter(typeof(UtcTimestampJsonConverter))] DateTimeOffset Start,
    [property: JsonPropertyName("end"), JsonConverter(typeof(UtcTimestampJsonConverter))] DateTimeOffset End);
