namespace SessionAudit.Sandbox.Aws;

/// <summary>One message delivered to a target: an EventBridge rule target (SNS, Lambda, CodePipeline, Run Command) or an SNS Publish.</summary>
public sealed record AwsDelivery(
    DateTimeOffset Time,
    string Account,
    string Region,
    AwsDeliveryKind Kind,
    string TargetArn,
    string? RuleName,
    string? TargetId,
    string Payload,
    bool Delivered,
    string? Error);

/// <summary>What kind of target received a delivery.</summary>
public enum AwsDeliveryKind
{
    Sns,
    Lambda,
    CodePipeline,
    RunCommand,
    Other,
}
