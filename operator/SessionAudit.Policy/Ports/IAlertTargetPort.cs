namespace SessionAudit.Policy.Ports;

/// <summary>Kinds of alert target whose existence the operator checks.</summary>
public enum AlertTargetKind
{
    /// <summary>SNS topic (GetTopicAttributes).</summary>
    SnsTopic,
    /// <summary>Lambda function (GetFunction).</summary>
    LambdaFunction,
    /// <summary>CodePipeline pipeline (GetPipeline).</summary>
    CodePipeline,
}

/// <summary>What decides whether EventBridge may publish to a topic (GetTopicAttributes).</summary>
/// <param name="Arn">Topic ARN.</param>
/// <param name="Policy">The topic policy JSON (attribute Policy).</param>
/// <param name="KmsMasterKeyId">The key the topic is encrypted with (attribute KmsMasterKeyId); null when unencrypted.</param>
/// <param name="Fifo">Attribute FifoTopic is "true".</param>
public sealed record TopicAccess(string Arn, string? Policy, string? KmsMasterKeyId, bool Fifo);

/// <summary>A Lambda function's resource policy (GetPolicy).</summary>
/// <param name="Arn">Function ARN as the spec names it.</param>
/// <param name="Policy">The policy JSON; null when the function has none.</param>
public sealed record FunctionAccess(string Arn, string? Policy);

/// <summary>Existence and resource policies of EventBridge targets.</summary>
public interface IAlertTargetPort
{
    /// <summary>True when the target named by <paramref name="arn"/> exists; false when AWS says not found.</summary>
    Task<bool> ExistsAsync(AlertTargetKind kind, string arn, CancellationToken cancellationToken);

    /// <summary>GetTopicAttributes: the topic's policy, key and FIFO flag; null when the topic does not exist.</summary>
    Task<TopicAccess?> GetTopicAsync(string topicArn, CancellationToken cancellationToken);

    /// <summary>GetPolicy (and GetFunction when there is no policy): the function's policy; null when the function does not exist.</summary>
    Task<FunctionAccess?> GetFunctionPolicyAsync(string functionArn, CancellationToken cancellationToken);

    /// <summary>SetTopicAttributes(Policy): replaces the topic policy with <paramref name="policy"/>.</summary>
    Task SetTopicPolicyAsync(string topicArn, string policy, CancellationToken cancellationToken);

    /// <summary>AddPermission: lets events.amazonaws.com invoke the function for the rule <paramref name="sourceArn"/>.</summary>
    Task AddFunctionPermissionAsync(string functionArn, string statementId, string sourceArn, CancellationToken cancellationToken);

    /// <summary>RemovePermission; a statement or function already gone is not an error.</summary>
    Task RemoveFunctionPermissionAsync(string functionArn, string statementId, CancellationToken cancellationToken);
}
