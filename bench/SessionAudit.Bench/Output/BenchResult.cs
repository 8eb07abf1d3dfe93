using System.Text.Json.Serialization;

namespace SessionAudit.Bench.Output;

/// <summary>The figures of one scenario run; fields a scenario does not measure stay null and are left out of the JSON.</summary>
public sealed record BenchResult
{
    public required string Scenario { get; init; }
    public int? Policies { get; init; }
    public int? ReadyPolicies { get; init; }
    public int? AwsLatencyMs { get; init; }
    public double? ThrottleShare { get; init; }
    public int? Accounts { get; init; }
    public int? Regions { get; init; }
    public int? Concurrency { get; init; }
    public double? CreateSeconds { get; init; }
    public double? ColdStartSeconds { get; init; }
    public double? P50ReadySeconds { get; init; }
    public double? P99ReadySeconds { get; init; }
    public double? ChangeLatencyP50Seconds { get; init; }
    public double? ChangeLatencyP99Seconds { get; init; }
    public double? ChangeLatencyMaxSeconds { get; init; }
    public int? NoopWriteCalls { get; init; }
    public double? NoopReadCallsPerPolicy { get; init; }
    public int? MinimumReadCallsPerPolicy { get; init; }
    public double? ReconcilesPerPolicyPerInterval { get; init; }
    public double? DriftCheckReadsPerHour { get; init; }
    public double? StatusWritesPerReconcile { get; init; }
    public double? AwsCallsPerPolicy { get; init; }
    public double? AwsCallsPerPolicyUnthrottled { get; init; }
    public int? ThrottledResponses { get; init; }
    public double? Retries { get; init; }
    public IReadOnlyDictionary<string, int>? AwsCallsByOperation { get; init; }
    public double? RssMegabytes { get; init; }
    public double? PeakRssMegabytes { get; init; }

    /// <summary>RSS once every policy has also had its first drift check (10,000-policy cold start); in the scopes
    /// scenario, the settled figure: the mean over 30 s once the operator has trimmed its memory after the drift check.</summary>
    public double? RssAfterDriftCheckMegabytes { get; init; }

    /// <summary>Scopes scenario: RSS read as the drift check of every policy ends.</summary>
    public double? RssRightAfterDriftCheckMegabytes { get; init; }
    public double? GcHeapMegabytes { get; init; }
    public double? OperatorCpuSeconds { get; init; }
    public double? StartupSeconds { get; init; }
    public double? StartupMaxSeconds { get; init; }
    public double? ServingSeconds { get; init; }
    public IReadOnlyDictionary<string, double>? Micro { get; init; }
    public IReadOnlyList<string>? Notes { get; init; }

    [JsonIgnore]
    public IReadOnlyList<TargetCheck> Checks { get; init; } = [];

    public double WallSeconds { get; init; }
}

/// <summary>One figure against its target; Met is null for figures that have no target.</summary>
public sealed record TargetCheck(string Metric, string Target, string Measured, bool? Met);
