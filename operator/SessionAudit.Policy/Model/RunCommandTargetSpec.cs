using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>A Run Command document to send.</summary>
public sealed record RunCommandTargetSpec
{
    /// <summary>Document name or ARN.</summary>
    [Required]
    [Description("SSM Command document name (for example AWS-RunShellScript) or document ARN.")]
    [RegularExpression(Patterns.RunCommandDocument)]
    public string DocumentName { get; init; } = "";

    /// <summary>Role EventBridge assumes.</summary>
    [Required]
    [Description("Role EventBridge assumes to call ssm:SendCommand.")]
    [RegularExpression(Patterns.RoleArn)]
    public string RoleArn { get; init; } = "";

    /// <summary>Instances to run on.</summary>
    [Required]
    [Description("Instances the command runs on: by InstanceIds or by tag:NAME (1 to 5 entries).")]
    [ListType("atomic")]
    [MinLength(1)]
    [MaxLength(5)]
    public IReadOnlyList<RunCommandInstanceTargetSpec> Targets { get; init; } = [];
}

/// <summary>One RunCommandTargets entry.</summary>
public sealed record RunCommandInstanceTargetSpec
{
    /// <summary>Key.</summary>
    [Required]
    [Description("InstanceIds, or tag:NAME to select instances by tag.")]
    [RegularExpression(Patterns.RunCommandTargetKey)]
    public string Key { get; init; } = "";

    /// <summary>Values.</summary>
    [Required]
    [Description("Instance ids (for InstanceIds) or tag values (for tag:NAME), 1 to 50.")]
    [ListType("atomic")]
    [MinLength(1)]
    [MaxLength(50)]
    public IReadOnlyList<string> Values { get; init; } = [];
}
