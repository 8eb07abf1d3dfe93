namespace SessionAudit.Policy.Ports;

/// <summary>Whether a trail is logging management events in a region.</summary>
/// <param name="Logging">True when at least one trail covering the region (its own or multi-region) has IsLogging=true.</param>
/// <param name="TrailArn">The first logging trail found, for messages; null when none.</param>
public sealed record AuditTrailInfo(bool Logging, string? TrailArn);

/// <summary>CloudTrail checks (DescribeTrails with shadow trails, GetTrailStatus).</summary>
public interface ICloudTrailPort
{
    /// <summary>Finds a logging trail for the scope's region.</summary>
    Task<AuditTrailInfo> GetAuditTrailAsync(CancellationToken cancellationToken);
}
