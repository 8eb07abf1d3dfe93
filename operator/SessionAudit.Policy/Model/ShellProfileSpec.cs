using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace SessionAudit.Policy.Model;

/// <summary>Commands run at session start.</summary>
public sealed record ShellProfileSpec
{
    /// <summary>Linux profile.</summary>
    [Description("Commands run at the start of Linux sessions (shellProfile.linux), for example \"exec bash -l\".")]
    [MaxLength(4096)]
    public string? Linux { get; init; }

    /// <summary>Windows profile.</summary>
    [Description("Commands run at the start of Windows sessions (shellProfile.windows).")]
    [MaxLength(4096)]
    public string? Windows { get; init; }
}
