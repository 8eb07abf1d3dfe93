namespace SessionAudit.Policy.Conditions;

/// <summary>The condition types a policy publishes.</summary>
public static class ConditionTypes
{
    /// <summary>AWS matches the spec (or, in Observe mode, matched it at the last check).</summary>
    public const string Ready = "Ready";
    /// <summary>kstatus: the operator is still converging (retrying or waiting for a prerequisite).</summary>
    public const string Reconciling = "Reconciling";
    /// <summary>kstatus: progress needs a change by a person (bad spec, conflict, access denied).</summary>
    public const string Stalled = "Stalled";
    /// <summary>The preferences document has the desired content as its default version.</summary>
    public const string PreferencesSynced = "PreferencesSynced";
    /// <summary>The S3 bucket exists and is encrypted when required (S1-S3).</summary>
    public const string S3Ready = "S3Ready";
    /// <summary>The log group exists and is KMS-encrypted when required (S4).</summary>
    public const string CloudWatchReady = "CloudWatchReady";
    /// <summary>The KMS key exists and is enabled (S5).</summary>
    public const string EncryptionReady = "EncryptionReady";
    /// <summary>Grantees have their grants on a customer-managed key (S5).</summary>
    public const string KmsGrantsReady = "KmsGrantsReady";
    /// <summary>The alert rule and its targets are in place (S7, S8).</summary>
    public const string AlertsReady = "AlertsReady";
    /// <summary>A trail is logging in the region, so session API calls reach EventBridge (S6).</summary>
    public const string AuditTrailReady = "AuditTrailReady";

    /// <summary>Every ended session of the last report has its log where the preferences send it (only with spec.report).</summary>
    public const string LogsDelivered = "LogsDelivered";

    /// <summary>The per-concern conditions, in the order they are published.</summary>
    public static IReadOnlyList<string> Concerns { get; } =
        [PreferencesSynced, S3Ready, CloudWatchReady, EncryptionReady, KmsGrantsReady, AlertsReady, AuditTrailReady];

    /// <summary>The per-concern conditions in the order Ready looks for a root cause: prerequisites first, then what depends on them.</summary>
    public static IReadOnlyList<string> RootCauseOrder { get; } =
        [S3Ready, CloudWatchReady, EncryptionReady, PreferencesSynced, KmsGrantsReady, AuditTrailReady, AlertsReady];
}
