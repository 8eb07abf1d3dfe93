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
    [Description("SNS topics notified of each matching call. EventBridge publishes only when the topic policy allows events.amazonaws.com sns:Publish for the rule (the operator adds that statement unless managePermissions is false); a FIFO topic or one encrypted with alias/aws/sns never receives them.")]
    [ItemPattern(Patterns.SnsTopicArn)]
    [ListType("set")]
    [MaxLength(5)]
    public IReadOnlyList<string>? SnsTopicArns { get; init; }

    /// <summary>Lambda functions.</summary>
    [Description("Lambda functions invoked on each matching call. EventBridge invokes them only when the function policy allows events.amazonaws.com lambda:InvokeFunction for the rule (the operator adds that permission unless managePermissions is false).")]
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

    /// <summary>Whether the operator adds EventBridge's permission to SNS and Lambda targets.</summary>
    [Description("Add one statement of the operator's own to each SNS topic policy and Lambda function policy (Sid: the rule's name; principal events.amazonaws.com; condition aws:SourceArn = the rule), merged without touching other statements, and remove it when the target or the policy goes. false: only check and report, in AlertsReady, the statement to add. Default true.")]
    public bool? ManagePermissions { get; init; }
}
