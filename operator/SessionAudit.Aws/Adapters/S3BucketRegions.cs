using SessionAudit.Aws.Configuration;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>Runs S3 calls on a bucket in the bucket's own region. S3 answers a call sent to another region with 301 (or 400)
/// and the bucket's region in <c>x-amz-bucket-region</c>; the call is then made once more with that region's clients, and
/// the region is remembered (bucket names are one global namespace, and a bucket's region does not change).</summary>
/// <param name="clientsIn">The clients of the same account and role in another region.</param>
/// <param name="regions">Where the regions learned are kept (shared by every scope); null for a map of this object's own.</param>
internal sealed class S3BucketRegions(Func<string, AwsClients> clientsIn, BucketRegionMap? regions = null)
{
    private const string RegionHeader = "x-amz-bucket-region";
    private readonly BucketRegionMap _regions = regions ?? new BucketRegionMap();

    /// <summary>The bucket's region when it is known to differ from <paramref name="home"/>'s; null otherwise.</summary>
    public string? KnownRegion(AwsClients home, string bucket) =>
        _regions.TryGet(home.Scope.Region, bucket, out var r) && r != home.Scope.Region ? r : null;

    /// <summary>The clients of the same account and role in <paramref name="region"/>.</summary>
    public AwsClients ClientsIn(AwsClients home, string region) => region == home.Scope.Region ? home : clientsIn(region);

    /// <summary>Runs <paramref name="call"/> with the clients of the bucket's region (found on the first redirect).</summary>
    public async Task<T> RunAsync<T>(AwsClients home, string bucket, string operation, Func<AwsClients, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var clients = KnownRegion(home, bucket) is { } known ? clientsIn(known) : home;
        try
        {
            return await clients.RunAsync(AwsService.S3, operation, ct => call(clients, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsFailure f) when (RegionOf(f) is { } region && region != clients.Scope.Region)
        {
            _regions.Set(home.Scope.Region, bucket, region);
            var there = region == home.Scope.Region ? home : clientsIn(region);
            return await there.RunAsync(AwsService.S3, operation, ct => call(there, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    // The header is on the SDK's HTTP error response, inside the exception the call runner wrapped.
    private static string? RegionOf(Exception e)
    {
        for (var x = e.InnerException; x is not null; x = x.InnerException)
        {
            if (x is Amazon.Runtime.Internal.HttpErrorResponseException { Response: { } response } && response.IsHeaderPresent(RegionHeader))
            {
                return response.GetHeaderValue(RegionHeader) is { Length: > 0 } r ? r : null;
            }
        }

        return null;
    }
}
