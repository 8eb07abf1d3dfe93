namespace SessionAudit.Policy.Ports;

/// <summary>Whether a trail is logging management events in a region.</summary>
/// <param name="Logging">True when at least one trail covering the region (its own or multi-region) has IsLogging=true.</param>
/// <param name="TrailArn">The first logging trail found, for messages; null when none.</param>
public sealed record AuditTrailInfo(bool Logging, string? TrailArn);

/// <summary>CloudTrail checks (DescribeTrails with shadow trails, GetTrailStatus).</summary>
public interface ICloudTrailPort
{
    /// <summary>Finds a logging trail for the scope's region. A "logging" answer read less than <paramref name="maxAge"/>
    /// ago (by the start of its read) may be returned without calling AWS: the trail is shared by every policy of the
    /// account and region and rarely changes. "Not logging" and failures are never reused, so a fix is seen at once.
    /// <see cref="TimeSpan.Zero"/> always reads.</summary>
    Task<AuditTrailInfo> GetAuditTrailAsync(TimeSpan maxAge, CancellationToken cancellationToken);
}
