using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>Run As settings (Linux and macOS only).</summary>
[CelRule("!has(self.defaultUser) || self.defaultUser == '' || (has(self.enabled) && self.enabled)", "defaultUser needs enabled: true", FieldPath = ".defaultUser")]
public sealed record RunAsSpec
{
    /// <summary>Enable Run As.</summary>
    [Description("Start Linux sessions as the user named by the IAM principal's SSMSessionRunAs tag or defaultUser (runAsEnabled).")]
    [DefaultValue(false)]
    public bool Enabled { get; init; }

    /// <summary>Default OS user.</summary>
    [Description("Operating system user for sessions when the principal has no SSMSessionRunAs tag (runAsDefaultUser). Needs enabled.")]
    [RegularExpression("^$|" + Patterns.LinuxUser)]
    [MaxLength(32)]
    public string? DefaultUser { get; init; }
}
