using SessionAudit.Aws.Transport;

namespace SessionAudit.Aws.Services.Logs;

/// <summary>Thin CloudWatch Logs client (JSON 1.1, target prefix Logs_20140328). One call per page; retries are the caller's.</summary>
public sealed class CloudWatchLogsClient
{
    /// <summary>metadata.targetPrefix.</summary>
    public const string TargetPrefix = "Logs_20140328";

    /// <summary>Creates the client over a channel signed for "logs".</summary>
    public CloudWatchLogsClient(AwsChannel channel) => Protocol = new AwsJsonProtocol(channel, TargetPrefix);

    /// <summary>The wire protocol, for raw requests.</summary>
    public AwsJsonProtocol Protocol { get; }

    /// <summary>DescribeLogGroups (one page).</summary>
    public Task<DescribeLogGroupsResponse> DescribeLogGroupsAsync(DescribeLogGroupsRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("DescribeLogGroups", request, LogsJson.Default.DescribeLogGroupsRequest, LogsJson.Default.DescribeLogGroupsResponse, cancellationToken);

    /// <summary>DescribeLogStreams (one page; at most 50 streams, 25 transactions per second per account and region in AWS).</summary>
    public Task<DescribeLogStreamsResponse> DescribeLogStreamsAsync(DescribeLogStreamsRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("DescribeLogStreams", request, LogsJson.Default.DescribeLogStreamsRequest, LogsJson.Default.DescribeLogStreamsResponse, cancellationToken);
}
