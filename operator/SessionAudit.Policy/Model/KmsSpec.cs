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

    /// <summary>Principals to grant Decrypt and GenerateDataKey.</summary>
    [Description("Instance roles (IAM role ARNs) that get a KMS grant for Decrypt and GenerateDataKey on a customer-managed key. AWS-managed keys need no grants and get none.")]
    [ItemPattern(Patterns.PrincipalArn)]
    [ListType("set")]
    [MaxLength(50)]
    public IReadOnlyList<string>? Grantees { get; init; }
}
