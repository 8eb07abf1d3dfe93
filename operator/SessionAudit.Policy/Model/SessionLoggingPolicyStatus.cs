using System.ComponentModel;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>What the operator last saw and did for a policy.</summary>
public sealed record SessionLoggingPolicyStatus
{
    /// <summary>Generation last reconciled.</summary>
    [Description("metadata.generation the status describes.")]
    public long? ObservedGeneration { get; init; }

    /// <summary>Conditions.</summary>
    [Description("Ready, Reconciling, Stalled and one condition per concern: PreferencesSynced, S3Ready, CloudWatchReady, EncryptionReady, KmsGrantsReady, AlertsReady, AuditTrailReady.")]
    [ListType("map", "type")]
    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>Preferences document.</summary>
    [Description("The preferences document the policy manages.")]
    public DocumentStatus? Document { get; init; }

    /// <summary>Rule ARN.</summary>
    [Description("ARN of the EventBridge rule the operator manages for alerts.")]
    public string? RuleArn { get; init; }

    /// <summary>KMS grants created.</summary>
    [Description("KMS grants the operator created, one per grantee.")]
    [ListType("atomic")]
    public IReadOnlyList<GrantStatus>? Grants { get; init; }

    /// <summary>Last time AWS was read.</summary>
    [Description("Last time AWS was read and compared with the spec.")]
    [Format("date-time")]
    public DateTimeOffset? LastSyncTime { get; init; }

    /// <summary>Field paths that differed.</summary>
    [Description("Field paths that differed between the spec and AWS at the last check, for example document.inputs.s3BucketName or rule.targets[sa-sns-1a2b3c4d].")]
    [ListType("atomic")]
    public IReadOnlyList<string>? Drift { get; init; }

    /// <summary>Report summary.</summary>
    [Description("Summary of the latest session activity report.")]
    public ReportSummary? Report { get; init; }
}

/// <summary>The preferences document as the policy knows it.</summary>
public sealed record DocumentStatus
{
    /// <summary>Document name.</summary>
    [Description("Document name.")]
    public string Name { get; init; } = "";

    /// <summary>Current default version.</summary>
    [Description("Default version of the document at the last check.")]
    public string? CurrentVersion { get; init; }

    /// <summary>Default version before the policy first changed it.</summary>
    [Description("Default version before this policy first changed the document; deletionPolicy Delete restores it. Empty when the policy created the document (nothing to restore).")]
    public string? VersionBeforePolicy { get; init; }

    /// <summary>Out-of-band changes corrected in a row.</summary>
    [Description("Out-of-band changes of the default version corrected in a row at this generation; after 3 the operator stops correcting and reports ConflictingWriter.")]
    public int? DriftCorrections { get; init; }
}

/// <summary>One KMS grant the operator created.</summary>
public sealed record GrantStatus
{
    /// <summary>Grantee.</summary>
    [Description("Grantee principal ARN.")]
    public string Grantee { get; init; } = "";

    /// <summary>Grant id.</summary>
    [Description("KMS grant id.")]
    public string GrantId { get; init; } = "";

    /// <summary>Key ARN.</summary>
    [Description("ARN of the key the grant is on.")]
    public string? KeyArn { get; init; }
}
