namespace SessionAudit.Policy.Ports;

/// <summary>Whether a trail records the session API calls of a region.</summary>
/// <param name="Logging">True when a trail covering the region (its own, multi-region or an organization trail) was read
/// as logging, with event selectors that record StartSession, ResumeSession and TerminateSession.</param>
/// <param name="TrailArn">That trail, for messages; null when none.</param>
public sealed record AuditTrailInfo(bool Logging, string? TrailArn)
{
    /// <summary>Every trail looked at, as far as it could be read (the verified one last); what explains a "no".</summary>
    public IReadOnlyList<TrailReading> Trails { get; init; } = [];
}

/// <summary>One trail that covers the scope's region, as far as it could be read: a failed read is kept here, so one
/// unreadable trail (AccessDenied, another account's organization trail) does not hide another that logs.</summary>
/// <param name="TrailArn">TrailARN (or the name when DescribeTrails gave no ARN).</param>
/// <param name="HomeRegion">HomeRegion.</param>
/// <param name="MultiRegion">IsMultiRegionTrail.</param>
/// <param name="Organization">IsOrganizationTrail.</param>
public sealed record TrailReading(string TrailArn, string? HomeRegion, bool MultiRegion, bool Organization)
{
    /// <summary>GetTrailStatus.IsLogging; null when not read.</summary>
    public bool? Logging { get; init; }

    /// <summary>GetEventSelectors; null when not read (or not needed: the trail does not log).</summary>
    public TrailSelectors? Selectors { get; init; }

    /// <summary>The call that failed (GetTrailStatus or GetEventSelectors), with <see cref="Failure"/>.</summary>
    public string? FailedRead { get; init; }

    /// <summary>Why the trail could not be read.</summary>
    public AwsFailure? Failure { get; init; }

    /// <summary>The account in the ARN (arn:partition:cloudtrail:region:account:trail/name), when it is an ARN.</summary>
    public string? Account => TrailArn.Split(':') is { Length: > 5 } p ? p[4] : null;
}

/// <summary>CloudTrail checks (DescribeTrails with shadow trails, GetTrailStatus, GetEventSelectors).</summary>
public interface ICloudTrailPort
{
    /// <summary>Finds a trail that records session calls in the scope's region. A "logging" answer read less than
    /// <paramref name="maxAge"/> ago (by the start of its read) may be returned without calling AWS: the trail is shared by
    /// every policy of the account and region and rarely changes. "Not logging" and failures are never reused, so a fix is
    /// seen at once. <see cref="TimeSpan.Zero"/> always reads. Only DescribeTrails failing throws; a trail that cannot be
    /// read is reported in <see cref="AuditTrailInfo.Trails"/>.</summary>
    Task<AuditTrailInfo> GetAuditTrailAsync(TimeSpan maxAge, CancellationToken cancellationToken);
}
