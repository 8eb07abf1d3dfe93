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
    [Description("Instances the command runs on: one entry, by InstanceIds or by tag:NAME (EventBridge supports one RunCommandTargets block per target).")]
    [ListType("atomic")]
    [MinLength(1)]
    [MaxLength(MaxTargetBlocks)]
    public IReadOnlyList<RunCommandInstanceTargetSpec> Targets { get; init; } = [];

    /// <summary>Document parameters.</summary>
    [Description("The document's parameters (name to list of values, for example commands: [\"logger session\"]), sent as the target's Input JSON. At most 20 names of [A-Za-z0-9_], 50 values each, 8192 characters of JSON in all.")]
    [MapBounds(MaxParameters, MaxParameterValues, MaxParameterValueLength)]
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Parameters { get; init; }

    /// <summary>RunCommandTargets blocks EventBridge supports per target (botocore events RunCommandParameters: "only one RunCommandTarget block").</summary>
    public const int MaxTargetBlocks = 1;

    /// <summary>Most parameter names.</summary>
    public const int MaxParameters = 20;

    /// <summary>Most values of one parameter.</summary>
    public const int MaxParameterValues = 50;

    /// <summary>Longest value.</summary>
    public const int MaxParameterValueLength = 4096;

    /// <summary>Longest Input JSON (botocore events TargetInput max 8192).</summary>
    public const int MaxInputLength = 8192;
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
