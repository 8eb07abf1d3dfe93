using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>The session activity report settings.</summary>
public sealed record ReportSpec
{
    /// <summary>Days covered.</summary>
    [Description("Days of session history the report covers, 1 to 30 (AWS keeps 30 days).")]
    [Range(1, 30)]
    [DefaultValue(30)]
    public int LookbackDays { get; init; } = 30;

    /// <summary>Refresh interval.</summary>
    [Description("How often the status summary (and the S3 export) is refreshed, as a duration such as 15m or 1h (1m to 24h).")]
    [RegularExpression(Patterns.Duration)]
    [MinLength(2)]
    [CelRule(CelBounds.ReportInterval, "must be a duration from 1m to 24h")]
    [DefaultValue("1h")]
    public string Interval { get; init; } = "1h";

    /// <summary>Grace period for log delivery.</summary>
    [Description("Minutes after a session ended during which a log not found yet is taken as still uploading (logDelivered null), not missing, 0 to 1440.")]
    [Range(0, 1440)]
    [DefaultValue(5)]
    public int LogGraceMinutes { get; init; } = 5;

    /// <summary>Make missing logs block Ready.</summary>
    [Description("Make a missing session log (status.report.missingLogs above 0) turn Ready False (reason LogsMissing). Off: the LogsDelivered condition says it without blocking Ready.")]
    [DefaultValue(false)]
    public bool RequireDelivery { get; init; }

    /// <summary>S3 export.</summary>
    [Description("Write the JSON and HTML reports to this bucket on every refresh.")]
    public ReportS3Spec? S3 { get; init; }
}

/// <summary>Where report files go.</summary>
public sealed record ReportS3Spec
{
    /// <summary>Bucket.</summary>
    [Required]
    [Description("Existing S3 bucket receiving report.json and report.html.")]
    [RegularExpression(Patterns.BucketName)]
    [MaxLength(63)]
    [CelRule(CelBounds.BucketNoAdjacentDots, "must not have adjacent dots or a dot next to a hyphen: S3 does not allow them")]
    [CelRule(CelBounds.BucketNotIpAddress, "must not look like an IP address: S3 does not allow it")]
    [CelRule(CelBounds.BucketNotReserved, "must not use a prefix or suffix S3 reserves (xn--, sthree-, -s3alias, --ol-s3)")]
    public string BucketName { get; init; } = "";

    /// <summary>Prefix.</summary>
    [Description("Key prefix of the report objects, for example reports/.")]
    [RegularExpression(Patterns.KeyPrefix)]
    [MaxLength(1024)]
    public string? KeyPrefix { get; init; }
}
