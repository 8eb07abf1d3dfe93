using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace SessionAudit.Policy.Model;

/// <summary>Session behaviour written into the preferences document.</summary>
public sealed record SessionSpec
{
    /// <summary>Idle timeout.</summary>
    [Description("Minutes of inactivity before a session ends (idleSessionTimeout), 1 to 60.")]
    [Range(1, 60)]
    [DefaultValue(20)]
    public int IdleTimeoutMinutes { get; init; } = 20;

    /// <summary>Maximum duration.</summary>
    [Description("Maximum session duration in minutes (maxSessionDuration), 1 to 1440. Omit for no limit.")]
    [Range(1, 1440)]
    public int? MaxDurationMinutes { get; init; }

    /// <summary>Run As support.</summary>
    [Description("Start Linux sessions as an operating system user instead of ssm-user.")]
    public RunAsSpec? RunAs { get; init; }

    /// <summary>Shell profiles.</summary>
    [Description("Commands run at the start of each session, per platform.")]
    public ShellProfileSpec? ShellProfile { get; init; }
}
