using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace SessionAudit.Policy.Model;

/// <summary>A pipeline to start.</summary>
public sealed record CodePipelineTargetSpec
{
    /// <summary>Pipeline ARN.</summary>
    [Required]
    [Description("Pipeline ARN, for example arn:aws:codepipeline:us-east-1:111122223333:audit-pipeline, in the policy's region.")]
    [RegularExpression(Patterns.CodePipelineArn)]
    public string Arn { get; init; } = "";

    /// <summary>Role EventBridge assumes.</summary>
    [Required]
    [Description("Role EventBridge assumes to call codepipeline:StartPipelineExecution.")]
    [RegularExpression(Patterns.RoleArn)]
    public string RoleArn { get; init; } = "";
}
