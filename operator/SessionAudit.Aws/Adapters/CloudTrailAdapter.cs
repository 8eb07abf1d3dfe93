using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Services.CloudTrail;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>Finds a trail that records session calls in the scope's region: DescribeTrails (shadow and organization trails
/// included), then per trail GetTrailStatus and, for a logging one, GetEventSelectors; a "logging" answer is reused within
/// the caller's maxAge, by every session of the same role in the region (<see cref="AwsClients.Facts"/>): whether a trail
/// records the account's session calls does not depend on which policy asks.</summary>
internal sealed class CloudTrailAdapter(AwsClients clients) : ICloudTrailPort
{
    public async Task<AuditTrailInfo> GetAuditTrailAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var time = clients.Time;
        var started = time.GetUtcNow();
        var last = clients.Facts.Trail;
        if (last is { Info.Logging: true } && maxAge > TimeSpan.Zero && started - last.ReadAt < maxAge)
        {
            return last.Info;
        }

        var info = await ReadAsync(cancellationToken).ConfigureAwait(false);
        // Stamped with the start of the read (the state can only be older than that).
        clients.Facts.Offer(new TrailAnswer(info, started));

        return info;
    }

    // Every covering trail is tried in turn until one verifies; a trail that cannot be read (AccessDenied, another
    // account's organization trail, a throttled call) is kept as a reading and the search goes on.
    private async Task<AuditTrailInfo> ReadAsync(CancellationToken cancellationToken)
    {
        var region = clients.Scope.Region;
        var trails = await clients.RunAsync(AwsService.CloudTrail, "DescribeTrails",
            ct => clients.CloudTrail.DescribeTrailsAsync(new DescribeTrailsRequest { IncludeShadowTrails = true }, ct), cancellationToken).ConfigureAwait(false);
        var covering = (trails.TrailList ?? [])
            .Where(t => t.IsMultiRegionTrail == true || string.Equals(t.HomeRegion, region, StringComparison.Ordinal) || t.HomeRegion is null);
        var readings = new List<TrailReading>();
        foreach (var trail in covering)
        {
            var name = trail.TrailARN ?? trail.Name;
            if (name is null)
            {
                continue;
            }

            var reading = new TrailReading(name, trail.HomeRegion, trail.IsMultiRegionTrail == true, trail.IsOrganizationTrail == true);
            try
            {
                var status = await clients.RunAsync(AwsService.CloudTrail, "GetTrailStatus",
                    ct => clients.CloudTrail.GetTrailStatusAsync(new GetTrailStatusRequest { Name = name }, ct), cancellationToken).ConfigureAwait(false);
                reading = reading with { Logging = status.IsLogging == true };
            }
            catch (AwsFailure f)
            {
                readings.Add(reading with { FailedRead = "GetTrailStatus", Failure = f });
                continue;
            }

            if (reading.Logging != true)
            {
                readings.Add(reading);
                continue;
            }

            TrailSelectors selectors;
            try
            {
                var answer = await clients.RunAsync(AwsService.CloudTrail, "GetEventSelectors",
                    ct => clients.CloudTrail.GetEventSelectorsAsync(new GetEventSelectorsRequest { TrailName = name }, ct), cancellationToken).ConfigureAwait(false);
                selectors = ToDomain(answer);
            }
            catch (AwsFailure f)
            {
                readings.Add(reading with { FailedRead = "GetEventSelectors", Failure = f });
                continue;
            }

            readings.Add(reading with { Selectors = selectors });
            if (selectors.MissingSessionCalls() is null)
            {
                return new AuditTrailInfo(true, name) { Trails = readings };
            }
        }
        return new AuditTrailInfo(false, null) { Trails = readings };
    }

    private static TrailSelectors ToDomain(GetEventSelectorsResponse r) => new(
        r.EventSelectors?.Select(s => new BasicEventSelector(s.ReadWriteType, s.IncludeManagementEvents, s.ExcludeManagementEventSources ?? [])).ToList(),
        r.AdvancedEventSelectors?.Select(a => new Policy.Ports.AdvancedEventSelector(a.Name,
            (a.FieldSelectors ?? []).Select(f => new Policy.Ports.AdvancedFieldSelector(f.Field ?? "")
            {
                EqualTo = f.EqualTo,
                StartsWith = f.StartsWith,
                EndsWith = f.EndsWith,
                NotEqualTo = f.NotEqualTo,
                NotStartsWith = f.NotStartsWith,
                NotEndsWith = f.NotEndsWith,
            }).ToList())).ToList());
}
