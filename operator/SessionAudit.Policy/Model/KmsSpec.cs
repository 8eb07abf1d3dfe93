using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>KMS encryption of session data and the grants instance roles need.</summary>
public sealed record KmsSpec
{
    /// <summary>Key reference.</summary>
    [Required]
    [Description("KMS key encrypting session data (kmsKeyId): key id, alias name (alias/...), key ARN or alias ARN, in the policy's region. Instances need SSM Agent 2.3.539.0 or later.")]
    [MinLength(1)]
    [MaxLength(2048)]
    [CelRule(CelBounds.KmsKeyId, "is not a KMS key reference: use a key id, a multi-Region key id (mrk-...), an alias name (alias/name), a key ARN or an alias ARN")]
    public string KeyId { get; init; } = "";

    /// <summary>Deprecated: spec.instanceRoles.</summary>
    [Description("Deprecated: use spec.instanceRoles. Still read (as spec.instanceRoles) so existing policies keep their grants; cannot be set together with spec.instanceRoles.")]
    [ItemPattern(Patterns.PrincipalArn)]
    [ListType("set")]
    [MaxLength(50)]
    public IReadOnlyList<string>? Grantees { get; init; }
}
