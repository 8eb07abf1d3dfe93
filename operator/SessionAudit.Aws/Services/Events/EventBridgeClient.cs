using SessionAudit.Aws.Transport;

namespace SessionAudit.Aws.Services.Events;

/// <summary>Thin EventBridge client (JSON 1.1, target prefix AWSEvents). One call per page; retries are the caller's.</summary>
public sealed class EventBridgeClient
{
    /// <summary>metadata.targetPrefix.</summary>
    public const string TargetPrefix = "AWSEvents";

    /// <summary>Creates the client over a channel signed for "events".</summary>
    public EventBridgeClient(AwsChannel channel) => Protocol = new AwsJsonProtocol(channel, TargetPrefix);

    /// <summary>The wire protocol, for raw requests.</summary>
    public AwsJsonProtocol Protocol { get; }

    /// <summary>PutRule.</summary>
    public Task<PutRuleResponse> PutRuleAsync(PutRuleRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("PutRule", request, EventsJson.Default.PutRuleRequest, EventsJson.Default.PutRuleResponse, cancellationToken);

    /// <summary>DescribeRule.</summary>
    public Task<DescribeRuleResponse> DescribeRuleAsync(DescribeRuleRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("DescribeRule", request, EventsJson.Default.DescribeRuleRequest, EventsJson.Default.DescribeRuleResponse, cancellationToken);

    /// <summary>DeleteRule.</summary>
    public Task<EmptyResponse> DeleteRuleAsync(DeleteRuleRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("DeleteRule", request, EventsJson.Default.DeleteRuleRequest, EventsJson.Default.EmptyResponse, cancellationToken);

    /// <summary>ListRules (one page).</summary>
    public Task<ListRulesResponse> ListRulesAsync(ListRulesRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("ListRules", request, EventsJson.Default.ListRulesRequest, EventsJson.Default.ListRulesResponse, cancellationToken);

    /// <summary>PutTargets.</summary>
    public Task<TargetsResponse> PutTargetsAsync(PutTargetsRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("PutTargets", request, EventsJson.Default.PutTargetsRequest, EventsJson.Default.TargetsResponse, cancellationToken);

    /// <summary>RemoveTargets.</summary>
    public Task<TargetsResponse> RemoveTargetsAsync(RemoveTargetsRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("RemoveTargets", request, EventsJson.Default.RemoveTargetsRequest, EventsJson.Default.TargetsResponse, cancellationToken);

    /// <summary>ListTargetsByRule (one page).</summary>
    public Task<ListTargetsByRuleResponse> ListTargetsByRuleAsync(ListTargetsByRuleRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("ListTargetsByRule", request, EventsJson.Default.ListTargetsByRuleRequest, EventsJson.Default.ListTargetsByRuleResponse, cancellationToken);
}
