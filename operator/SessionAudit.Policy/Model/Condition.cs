using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>A status condition of metav1.Condition shape.</summary>
public sealed record Condition
{
    /// <summary>Condition type.</summary>
    [Required]
    [Description("Type of condition in CamelCase, for example Ready or S3Ready.")]
    [RegularExpression("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")]
    [MaxLength(316)]
    public string Type { get; init; } = "";

    /// <summary>True, False or Unknown.</summary>
    [Required]
    [Description("Status of the condition: True, False or Unknown.")]
    [AllowedValuesSchema("True", "False", "Unknown")]
    public string Status { get; init; } = "Unknown";

    /// <summary>Generation the condition was computed for.</summary>
    [Description("metadata.generation the condition was set for.")]
    [Range(0, long.MaxValue)]
    public long? ObservedGeneration { get; init; }

    /// <summary>When Status last changed.</summary>
    [Required]
    [Description("Last time the status changed from one value to another.")]
    [Format("date-time")]
    public DateTimeOffset LastTransitionTime { get; init; }

    /// <summary>Machine-readable CamelCase reason.</summary>
    [Required]
    [Description("Programmatic identifier of the reason for the last transition, in CamelCase.")]
    [RegularExpression("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")]
    [MinLength(1)]
    [MaxLength(1024)]
    public string Reason { get; init; } = "";

    /// <summary>Human-readable message.</summary>
    [Required]
    [Description("What happened and, when something is wrong, what to do about it.")]
    [MaxLength(32768)]
    public string Message { get; init; } = "";
}
