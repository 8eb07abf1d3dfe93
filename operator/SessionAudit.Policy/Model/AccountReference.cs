using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace SessionAudit.Policy.Model;

/// <summary>A reference to an AwsAccount by name.</summary>
public sealed record AccountReference
{
    /// <summary>AwsAccount name.</summary>
    [Required]
    [Description("metadata.name of the AwsAccount.")]
    [RegularExpression(Patterns.DnsSubdomain)]
    [MaxLength(253)]
    public string Name { get; init; } = "";
}
