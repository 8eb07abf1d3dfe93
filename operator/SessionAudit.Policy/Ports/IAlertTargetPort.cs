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

/// <summary>Existence checks for EventBridge targets.</summary>
public interface IAlertTargetPort
{
    /// <summary>True when the target named by <paramref name="arn"/> exists; false when AWS says not found.</summary>
    Task<bool> ExistsAsync(AlertTargetKind kind, string arn, CancellationToken cancellationToken);
}
