using System.ComponentModel;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>Summary of the latest session activity report, kept in status.</summary>
public sealed record ReportSummary
{
    /// <summary>Window.</summary>
    [Description("Time window the report covers.")]
    public ReportWindow? Window { get; init; }

    /// <summary>Total sessions.</summary>
    [Description("Sessions found in the window (history and active).")]
    public long Total { get; init; }

    /// <summary>Sessions per status.</summary>
    [Description("Sessions per status (Connected, Terminated, Failed, ...).")]
    public IReadOnlyDictionary<string, long>? ByStatus { get; init; }

    /// <summary>Distinct targets.</summary>
    [Description("Distinct session targets (instances).")]
    public long DistinctTargets { get; init; }

    /// <summary>Distinct owners.</summary>
    [Description("Distinct session owners (IAM principals).")]
    public long DistinctOwners { get; init; }

    /// <summary>Sessions not logged.</summary>
    [Description("Sessions that were not logged: port forwarding, SSH, and sessions that failed to start.")]
    public long Unlogged { get; init; }

    /// <summary>Ended sessions whose log is not where the preferences send it.</summary>
    [Description("Ended sessions that should have been logged whose log is not where the preferences in force send it (S3 object <prefix><session-id>.log, CloudWatch Logs stream <session-id>). Sessions whose delivery cannot be known are not counted.")]
    public long MissingLogs { get; init; }

    /// <summary>Instance readiness warnings.</summary>
    [Description("Managed instances whose platform or agent logs poorly or not at all.")]
    public long ReadinessWarnings { get; init; }

    /// <summary>When the report was made.</summary>
    [Description("When the report was last produced.")]
    [Format("date-time")]
    public DateTimeOffset? LastReportTime { get; init; }
}

/// <summary>The window a report covers.</summary>
public sealed record ReportWindow
{
    /// <summary>Start.</summary>
    [Description("Start of the window.")]
    [Format("date-time")]
    public DateTimeOffset From { get; init; }

    /// <summary>End.</summary>
    [Description("End of the window.")]
    [Format("date-time")]
    public DateTimeOffset To { get; init; }

    /// <summary>Days.</summary>
    [Description("Length of the window in days.")]
    public int Days { get; init; }
}
