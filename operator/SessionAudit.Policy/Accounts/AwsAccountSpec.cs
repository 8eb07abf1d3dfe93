using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SessionAudit.Policy.Crd;
using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Accounts;

/// <summary>Which AWS account the operator acts in for the policies naming this AwsAccount, how it gets there, and
/// what those policies may ask for.</summary>
[CelRule("!has(self.externalId) || !has(self.externalIdSecretRef)", "set externalId or externalIdSecretRef, not both", FieldPath = ".externalIdSecretRef")]
[CelRule("(!has(self.externalId) && !has(self.externalIdSecretRef)) || has(self.roleArn)", "an external id needs roleArn: it is only sent when assuming a role", FieldPath = ".roleArn")]
[CelRule("!has(self.sessionTags) || has(self.roleArn)", "sessionTags need roleArn: they are sent with AssumeRole", FieldPath = ".sessionTags")]
[CelRule("!has(self.default) || !self.default || !has(self.roleArn)", "the default AwsAccount is the operator's own account: it takes no roleArn", FieldPath = ".roleArn")]
public sealed record AwsAccountSpec
{
    /// <summary>Role to assume.</summary>
    [Description("IAM role the operator assumes (sts:AssumeRole) for the policies naming this AwsAccount, for example arn:aws:iam::111122223333:role/session-audit. Omit to act with the operator's own credentials in its own account. The session name is sa-<policy>-<hash>, so CloudTrail in that account shows which policy acted.")]
    [RegularExpression(Patterns.RoleArn)]
    [MaxLength(2048)]
    public string? RoleArn { get; init; }

    /// <summary>External id.</summary>
    [Description("External id sent with AssumeRole when the role's trust policy requires one (2 to 1224 characters). Prefer externalIdSecretRef: this field is readable by everyone who may read AwsAccounts.")]
    [RegularExpression(Patterns.ExternalId)]
    [MaxLength(1224)]
    public string? ExternalId { get; init; }

    /// <summary>External id from a Secret.</summary>
    [Description("Secret in the operator's namespace holding the external id (only the operator reads it).")]
    public SecretKeySelector? ExternalIdSecretRef { get; init; }

    /// <summary>Session tags.</summary>
    [Description("Session tags sent with AssumeRole (the role's trust policy must allow sts:TagSession), at most 50.")]
    [ListType("map", "key")]
    [MaxLength(50)]
    public IReadOnlyList<SessionTagSpec>? SessionTags { get; init; }

    /// <summary>Default account.</summary>
    [Description("The guardrails of this AwsAccount apply to every policy without spec.accountRef (those act in the operator's own account). At most one AwsAccount may be the default; without one, the built-in guardrail defaults apply.")]
    [DefaultValue(false)]
    public bool Default { get; init; }

    /// <summary>Guardrails.</summary>
    [Description("What the policies using this account may write. What a guardrail refuses is not written; the policy's condition names the guardrail.")]
    public GuardrailsSpec? Guardrails { get; init; }
}

/// <summary>A key of a Secret in the operator's namespace.</summary>
public sealed record SecretKeySelector
{
    /// <summary>Secret name.</summary>
    [Required]
    [Description("Name of the Secret, in the namespace the operator runs in.")]
    [RegularExpression(Patterns.DnsSubdomain)]
    [MaxLength(253)]
    public string Name { get; init; } = "";

    /// <summary>Key.</summary>
    [Required]
    [Description("Key of the Secret's data holding the value.")]
    [RegularExpression("^[-._a-zA-Z0-9]+$")]
    [MaxLength(253)]
    public string Key { get; init; } = "";
}

/// <summary>One STS session tag.</summary>
public sealed record SessionTagSpec
{
    /// <summary>Tag key.</summary>
    [Required]
    [Description("Tag key (1 to 128 letters, digits, spaces and _.:/=+-@).")]
    [RegularExpression(Patterns.SessionTagKey)]
    [MaxLength(128)]
    public string Key { get; init; } = "";

    /// <summary>Tag value.</summary>
    [Required]
    [Description("Tag value (0 to 256 letters, digits, spaces and _.:/=+-@).")]
    [RegularExpression(Patterns.SessionTagValue)]
    [MaxLength(256)]
    public string Value { get; init; } = "";
}

/// <summary>What the policies using an account may write.</summary>
public sealed record GuardrailsSpec
{
    /// <summary>Allow shell profiles.</summary>
    [Description("Allow spec.session.shellProfile: commands run at the start of every session on every instance of the account. Default false.")]
    [DefaultValue(false)]
    public bool AllowShellProfile { get; init; }

    /// <summary>Allowed Run As users.</summary>
    [Description("Operating system users spec.session.runAs.defaultUser may name. Omitted: any user but root and Administrator.")]
    [ItemPattern(Patterns.LinuxUser)]
    [ListType("set")]
    [MaxLength(100)]
    public IReadOnlyList<string>? AllowedRunAsUsers { get; init; }

    /// <summary>Allowed Run Command documents.</summary>
    [Description("Documents (names or ARNs) Run Command alert targets may send; a listed AWS-owned name also allows its ARN without account. Omitted: none, since the policy author chooses the parameters and the instances (AWS-RunShellScript with any commands runs as root).")]
    [ItemPattern(Patterns.RunCommandDocument)]
    [ListType("set")]
    [MaxLength(100)]
    public IReadOnlyList<string>? AllowedRunCommandDocuments { get; init; }

    /// <summary>Allowed grantee accounts.</summary>
    [Description("Accounts whose roles spec.instanceRoles may name (they get KMS grants on the account's keys). Omitted: the account itself only.")]
    [ItemPattern(Patterns.AccountId)]
    [ListType("set")]
    [MaxLength(100)]
    public IReadOnlyList<string>? AllowedGranteeAccounts { get; init; }

    /// <summary>Allowed report buckets.</summary>
    [Description("Buckets spec.report.s3.bucketName may name. Omitted: any bucket the account itself owns (the export carries the account as expected bucket owner, so S3 refuses another account's bucket).")]
    [ItemPattern(Patterns.BucketName)]
    [ListType("set")]
    [MaxLength(100)]
    public IReadOnlyList<string>? AllowedReportBuckets { get; init; }
}
