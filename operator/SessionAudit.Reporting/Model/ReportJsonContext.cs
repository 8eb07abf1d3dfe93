using System.Text.Json.Serialization;

namespace SessionAudit.Reporting.Model;

/// <summary>Source-generated JSON metadata for the report summary (trimming- and AOT-safe).</summary>
[JsonSerializable(typeof(ReportSummary))]
public sealed partial class ReportJsonContext : JsonSerializerContext;
