namespace SessionAudit.Reporting.Readiness;

/// <summary>A managed node, the platform it runs, and what in it affects session logging.</summary>
/// <param name="Platform">A readable platform label, e.g. <c>Windows Server 2012 R2 (6.3.9600)</c>.</param>
public sealed record InstanceReadiness(
    string InstanceId,
    string? ComputerName,
    string? PlatformType,
    string? PlatformName,
    string? PlatformVersion,
    string Platform,
    string? AgentVersion,
    string? PingStatus,
    IReadOnlyList<ReadinessFinding> Findings)
{
    /// <summary>The number of warning findings on this node.</summary>
    public int Warnings => Findings.Count(f => f.Severity == ReadinessSeverity.Warning);
}
