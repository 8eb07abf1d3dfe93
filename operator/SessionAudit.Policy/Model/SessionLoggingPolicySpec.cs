using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>The desired Session Manager logging and auditing setup of one AWS account and region.</summary>
[CelRule("!has(self.roleArn)", RemovedRoleArn, FieldPath = ".roleArn")]
[CelRule("!has(self.externalId)", RemovedExternalId, FieldPath = ".externalId")]
[CelRule("!has(self.instanceRoles) || !has(self.kms) || !has(self.kms.grantees)", "set spec.instanceRoles only: spec.kms.grantees is its deprecated name", FieldPath = ".instanceRoles")]
public sealed record SessionLoggingPolicySpec
{
    /// <summary>Default preferences document name.</summary>
    public const string DefaultDocumentName = "SSM-SessionManagerRunShell";

    /// <summary>AWS region.</summary>
    [Required]
    [Description("AWS region whose Session Manager preferences this policy manages, for example us-east-1. Cannot be changed: create a new policy for another region.")]
    [RegularExpression(Patterns.Region)]
    [CelRule("self == oldSelf", "region is immutable: create another policy for another region")]
    public string Region { get; init; } = "";

    /// <summary>Why spec.roleArn is refused.</summary>
    public const string RemovedRoleArn = "is no longer accepted: a cluster admin creates an AwsAccount naming the role, and the policy names it with spec.accountRef.name";

    /// <summary>Why spec.externalId is refused.</summary>
    public const string RemovedExternalId = "is no longer accepted: the external id belongs to the AwsAccount (externalId or externalIdSecretRef) that spec.accountRef names";

    /// <summary>The AwsAccount to act in.</summary>
    [Description("The AwsAccount (cluster-scoped, owned by cluster admins) whose account the operator manages for this policy, and whose guardrails the policy must stay within. Omitted: the operator's own account, under the guardrails of the AwsAccount marked default (or the built-in ones).")]
    public AccountReference? AccountRef { get; init; }

    /// <summary>Removed: read only so that a policy stored by an earlier release is refused instead of retargeted.</summary>
    [Description("Removed: name an AwsAccount with spec.accountRef. Refused by the API server; a policy stored by an earlier release with it is not acted on.")]
    [MaxLength(2048)]
    public string? RoleArn { get; init; }

    /// <summary>Removed: read only so that a policy stored by an earlier release is refused.</summary>
    [Description("Removed: the external id belongs to the AwsAccount. Refused by the API server.")]
    [MaxLength(1224)]
    public string? ExternalId { get; init; }

    /// <summary>Preferences document name.</summary>
    [Description("Name of the Session document holding the preferences. The console and the AWS CLI use SSM-SessionManagerRunShell; the operator creates it or adopts the existing one.")]
    [RegularExpression(Patterns.DocumentName)]
    [DefaultValue(DefaultDocumentName)]
    public string DocumentName { get; init; } = DefaultDocumentName;

    /// <summary>S3 logging.</summary>
    [Description("Send session logs to an S3 bucket. Omit to write no bucket into the preferences.")]
    public S3LoggingSpec? S3 { get; init; }

    /// <summary>CloudWatch Logs logging.</summary>
    [Description("Send session logs to a CloudWatch Logs log group. Omit to write no log group into the preferences.")]
    public CloudWatchLoggingSpec? CloudWatch { get; init; }

    /// <summary>Instance roles that use Session Manager.</summary>
    [Description("IAM role ARNs of the instance profiles that use Session Manager. Each gets one KMS grant (Decrypt, GenerateDataKey) on every customer-managed key the instances must use: the session key (spec.kms.keyId) and the S3 bucket's SSE-KMS default-encryption key. AWS-managed keys need no grants and get none.")]
    [ItemPattern(Patterns.RoleArn)]
    [ListType("set")]
    [MaxLength(50)]
    public IReadOnlyList<string>? InstanceRoles { get; init; }

    /// <summary>spec.instanceRoles, or the deprecated spec.kms.grantees when only those are set.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> EffectiveInstanceRoles => InstanceRoles ?? Kms?.Grantees ?? [];

    /// <summary>KMS encryption of session data.</summary>
    [Description("Encrypt session data with a KMS key and give instance roles permission to use it. Omit for no KMS session encryption.")]
    public KmsSpec? Kms { get; init; }

    /// <summary>Session settings.</summary>
    [Description("Session settings: idle timeout, maximum duration, Run As and shell profiles. Omitted settings are written with AWS defaults.")]
    public SessionSpec? Session { get; init; }

    /// <summary>Alerts on session activity.</summary>
    [Description("An EventBridge rule on StartSession/ResumeSession/TerminateSession API calls (recorded by CloudTrail) with SNS, Lambda, CodePipeline and Run Command targets. Omit for no rule.")]
    public AlertsSpec? Alerts { get; init; }

    /// <summary>Session activity report.</summary>
    [Description("Session activity report of the last days: summarised in status on an interval, optionally exported to S3.")]
    public ReportSpec? Report { get; init; }

    /// <summary>Drift check interval.</summary>
    [Description("How often AWS is read again to find and correct (Enforce) or report (Observe) changes made outside, as a duration such as 30s, 5m or 1h (30s to 24h).")]
    [RegularExpression(Patterns.Duration)]
    [MinLength(2)]
    [CelRule(CelBounds.DriftCheckInterval, "must be a duration from 30s to 24h")]
    [DefaultValue("5m")]
    public string DriftCheckInterval { get; init; } = "5m";

    /// <summary>Enforce or Observe.</summary>
    [Description("Enforce: change AWS to match this spec. Observe: only report the differences in status and events, change nothing.")]
    [DefaultValue(nameof(PolicyMode.Enforce))]
    public PolicyMode Mode { get; init; } = PolicyMode.Enforce;

    /// <summary>Retain or Delete.</summary>
    [Description("What deleting this policy does in AWS. Retain: keep everything. Delete: remove the rule, its targets and the KMS grants the operator created, and restore the document version that was default before this policy first changed it.")]
    [DefaultValue(nameof(DeletionPolicy.Retain))]
    public DeletionPolicy DeletionPolicy { get; init; } = DeletionPolicy.Retain;
}
