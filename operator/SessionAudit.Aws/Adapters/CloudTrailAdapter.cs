using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Services.CloudTrail;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>Finds a trail that logs in the scope's region: DescribeTrails (shadow trails included), then GetTrailStatus;
/// a "logging" answer is reused within the caller's maxAge (one adapter per scope, so per account, role and region).</summary>
internal sealed class CloudTrailAdapter(AwsClients clients) : ICloudTrailPort
{
    private readonly Lock _gate = new();
    private Answer? _last;

    public async Task<AuditTrailInfo> GetAuditTrailAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var time = clients.Time;
        var started = time.GetUtcNow();
        var last = Volatile.Read(ref _last);
        if (last is { Info.Logging: true } && maxAge > TimeSpan.Zero && started - last.ReadAt < maxAge)
        {
            return last.Info;
        }

        var info = await ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            // Stamped with the start of the read (the state can only be older than that), and never replaced by an
            // answer whose read started earlier: a slow "logging" must not overwrite a newer "not logging".
            if (_last is null || _last.ReadAt <= started)
            {
                Volatile.Write(ref _last, new Answer(info, started));
            }
        }

        return info;
    }

    private async Task<AuditTrailInfo> ReadAsync(CancellationToken cancellationToken)
    {
        var region = clients.Scope.Region;
        var trails = await clients.RunAsync(AwsService.CloudTrail, "DescribeTrails",
            ct => clients.CloudTrail.DescribeTrailsAsync(new DescribeTrailsRequest { IncludeShadowTrails = true }, ct), cancellationToken).ConfigureAwait(false);
        var covering = (trails.TrailList ?? [])
            .Where(t => t.IsMultiRegionTrail == true || string.Equals(t.HomeRegion, region, StringComparison.Ordinal) || t.HomeRegion is null);
        foreach (var trail in covering)
        {
            var name = trail.TrailARN ?? trail.Name;
            if (name is null)
            {
                continue;
            }
            var status = await clients.RunAsync(AwsService.CloudTrail, "GetTrailStatus",
                ct => clients.CloudTrail.GetTrailStatusAsync(new GetTrailStatusRequest { Name = name }, ct), cancellationToken).ConfigureAwait(false);
            if (status.IsLogging == true)
            {
                return new AuditTrailInfo(true, trail.TrailARN ?? name);
            }
        }
        return new AuditTrailInfo(false, null);
    }

    private sealed record Answer(AuditTrailInfo Info, DateTimeOffset ReadAt);
}
