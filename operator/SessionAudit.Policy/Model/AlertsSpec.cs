using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>The EventBridge rule on session API calls and its targets.</summary>
[CelRule(
    "(has(self.snsTopicArns) ? size(self.snsTopicArns) : 0) + (has(self.lambdaFunctionArns) ? size(self.lambdaFunctionArns) : 0) + (has(self.codePipelines) ? size(self.codePipelines) : 0) + (has(self.runCommands) ? size(self.runCommands) : 0) <= 5",
    "at most 5 alert targets in total (snsTopicArns, lambdaFunctionArns, codePipelines, runCommands): EventBridge allows 5 targets per rule")]
public sealed record AlertsSpec
{
    /// <summary>Session API calls to match.</summary>
    [Description("Session Manager API calls the rule matches, as CloudTrail records them. Default: StartSession, ResumeSession, TerminateSession. Needs a logging CloudTrail trail in the region (see the AuditTrailReady condition).")]
    [AllowedValuesSchema(SessionEventNames.StartSession, SessionEventNames.ResumeSession, SessionEventNames.TerminateSession)]
    [ListType("set")]
    [MinLength(1)]
    [MaxLength(3)]
    public IReadOnlyList<string>? Events { get; init; }

    /// <summary>SNS topics.</summary>
    [Description("SNS topics notified of each matching call. The topic policy must allow events.amazonaws.com to publish.")]
    [ItemPattern(Patterns.SnsTopicArn)]
    [ListType("set")]
    [MaxLength(5)]
    public IReadOnlyList<string>? SnsTopicArns { get; init; }

    /// <summary>Lambda functions.</summary>
    [Description("Lambda functions invoked on each matching call. The function policy must allow events.amazonaws.com to invoke it.")]
    [ItemPattern(Patterns.LambdaFunctionArn)]
    [ListType("set")]
    [MaxLength(5)]
    public IReadOnlyList<string>? LambdaFunctionArns { get; init; }

    /// <summary>CodePipeline pipelines.</summary>
    [Description("Pipelines started on each matching call; EventBridge needs a role to start them.")]
    [ListType("atomic")]
    [MaxLength(5)]
    public IReadOnlyList<CodePipelineTargetSpec>? CodePipelines { get; init; }

    /// <summary>Run Command targets.</summary>
    [Description("Run Command documents sent to instances on each matching call; EventBridge needs a role to send them.")]
    [ListType("atomic")]
    [MaxLength(5)]
    public IReadOnlyList<RunCommandTargetSpec>? RunCommands { get; init; }
}
