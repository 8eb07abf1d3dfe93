using System.Text.Json.Serialization;

namespace SessionAudit.Reporting.Model;

/// <summary>The report in a few numbers, shaped for a Kubernetes status (camelCase JSON).</summary>
/// <param name="ByStatus">Session count per AWS status value (Terminated, Connected, Failed...), keys sorted.</param>
/// <param name="Unlogged">Sessions Session Manager could not log (port forwarding, SSH, failed to start).</param>
/// <param name="ReadinessWarnings">Warning findings over all managed nodes (notes are not counted).</param>
public sealed record ReportSummary(
    [property: JsonPropertyName("window")] ReportWindow Window,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("byStatus")] IReadOnlyDictionary<string, int> ByStatus,
    [property: JsonPropertyName("distinctTargets")] int DistinctTargets,
    [property: JsonPropertyName("distinctOwners")] int DistinctOwners,
    [property: JsonPropertyName("unlogged")] int Unlogged,
    [property: JsonPropertyName("readinessWarnings")] int ReadinessWarnings,
    [property: JsonPropertyName("lastReportTime"), JsonConverter(typeof(UtcTimestampJsonConverter))] DateTimeOffset LastReportTime)
{
    /// <summary>Ended, logged-by-design sessions whose log is missing from a destination (<see cref="SessionRow.LogDelivered"/> false).</summary>
    [JsonPropertyName("missingLogs")]
    public int MissingLogs { get; init; }
}
