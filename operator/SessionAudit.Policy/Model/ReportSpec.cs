using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

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
    [DefaultValue("1h")]
    public string Interval { get; init; } = "1h";

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
    public string BucketName { get; init; } = "";

    /// <summary>Prefix.</summary>
    [Description("Key prefix of the report objects, for example reports/.")]
    [RegularExpression(Patterns.KeyPrefix)]
    [MaxLength(1024)]
    public string? KeyPrefix { get; init; }
}
