using SessionAudit.Aws.Transport;

namespace SessionAudit.Aws.Services.CloudTrail;

/// <summary>Thin CloudTrail client (JSON 1.1). Retries are the caller's.</summary>
public sealed class CloudTrailClient
{
    /// <summary>metadata.targetPrefix.</summary>
    public const string TargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";

    /// <summary>Creates the client over a channel signed for "cloudtrail".</summary>
    public CloudTrailClient(AwsChannel channel) => Protocol = new AwsJsonProtocol(channel, TargetPrefix);

    /// <summary>The wire protocol, for raw requests.</summary>
    public AwsJsonProtocol Protocol { get; }

    /// <summary>DescribeTrails.</summary>
    public Task<DescribeTrailsResponse> DescribeTrailsAsync(DescribeTrailsRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("DescribeTrails", request, CloudTrailJson.Default.DescribeTrailsRequest, CloudTrailJson.Default.DescribeTrailsResponse, cancellationToken);

    /// <summary>GetTrailStatus.</summary>
    public Task<GetTrailStatusResponse> GetTrailStatusAsync(GetTrailStatusRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("GetTrailStatus", request, CloudTrailJson.Default.GetTrailStatusRequest, CloudTrailJson.Default.GetTrailStatusResponse, cancellationToken);

    /// <summary>GetEventSelectors.</summary>
    public Task<GetEventSelectorsResponse> GetEventSelectorsAsync(GetEventSelectorsRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("GetEventSelectors", request, CloudTrailJson.Default.GetEventSelectorsRequest, CloudTrailJson.Default.GetEventSelectorsResponse, cancellationToken);
}
