using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Services.CloudTrail;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>Finds a trail that logs in the scope's region: DescribeTrails (shadow trails included), then GetTrailStatus.</summary>
internal sealed class CloudTrailAdapter(AwsClients clients) : ICloudTrailPort
{
    public async Task<AuditTrailInfo> GetAuditTrailAsync(CancellationToken cancellationToken)
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
}
