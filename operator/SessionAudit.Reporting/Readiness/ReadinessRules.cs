using SessionAudit.Reporting.Ports;

namespace SessionAudit.Reporting.Readiness;

/// <summary>Judges a managed node's readiness for session logging (S11): Windows release, SSM Agent version, Linux <c>screen</c>.</summary>
public static class ReadinessRules
{
    /// <summary>KMS session encryption needs SSM Agent 2.3.539.0 or later.</summary>
    public static readonly Version MinimumAgentForKms = new(2, 3, 539, 0);

    /// <summary>Evaluates one node; <paramref name="kmsEncryptionConfigured"/> turns on the agent version check.</summary>
    public static InstanceReadiness Evaluate(ManagedInstance instance, bool kmsEncryptionConfigured)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var findings = new List<ReadinessFinding>();
        string platform;

        if (IsWindows(instance))
        {
            var kernel = WindowsVersions.KernelVersion(instance.PlatformVersion, instance.PlatformName);
            if (kernel is null)
            {
                platform = Label(instance.PlatformName ?? "Windows", instance.PlatformVersion);
                findings.Add(new(ReadinessFinding.WindowsVersionUnknown, ReadinessSeverity.Note,
                    "The Windows release could not be read; Windows before Server 2012 R2 formats session logs poorly."));
            }
            else
            {
                var release = WindowsVersions.ServerRelease(kernel);
                platform = Label(release, instance.PlatformVersion ?? kernel.ToString());
                if (WindowsVersions.IsBefore2012R2(kernel))
                {
                    findings.Add(new(ReadinessFinding.WindowsBefore2012R2, ReadinessSeverity.Warning,
                        $"{release} is older than Windows Server 2012 R2: session log data may not be formatted well. Upgrade to Windows Server 2012 R2 or later."));
                }
            }
        }
        else
        {
            platform = Label(instance.PlatformName ?? instance.PlatformType ?? "unknown", instance.PlatformVersion);
        }

        if (IsLinux(instance))
        {
            findings.Add(new(ReadinessFinding.LinuxNeedsScreen, ReadinessSeverity.Note, ScreenAdvice(instance.PlatformName)));
        }

        if (kmsEncryptionConfigured)
        {
            if (instance.AgentVersion is { } text && Version.TryParse(text.Trim(), out var agent))
            {
                if (agent < MinimumAgentForKms)
                {
                    findings.Add(new(ReadinessFinding.AgentTooOldForKms, ReadinessSeverity.Warning,
                        $"SSM Agent {text.Trim()} is older than {MinimumAgentForKms}, which KMS session encryption needs: sessions to this node fail. Update the agent."));
                }
            }
            else
            {
                findings.Add(new(ReadinessFinding.AgentVersionUnknown, ReadinessSeverity.Note,
                    $"The SSM Agent version is unknown; KMS session encryption needs {MinimumAgentForKms} or later."));
            }
        }

        return new InstanceReadiness(
            instance.InstanceId,
            instance.ComputerName,
            instance.PlatformType,
            instance.PlatformName,
            instance.PlatformVersion,
            platform,
            instance.AgentVersion,
            instance.PingStatus,
            findings);
    }

    private static bool IsWindows(ManagedInstance i) =>
        string.Equals(i.PlatformType, "Windows", StringComparison.OrdinalIgnoreCase)
        || (i.PlatformType is null && i.PlatformName?.Contains("Windows", StringComparison.OrdinalIgnoreCase) == true);

    private static bool IsLinux(ManagedInstance i) => string.Equals(i.PlatformType, "Linux", StringComparison.OrdinalIgnoreCase);

    private static string Label(string name, string? version) =>
        string.IsNullOrWhiteSpace(version) || name.Contains(version, StringComparison.Ordinal) ? name : $"{name} ({version})";

    // The guide: screen is installed by default on Amazon Linux, Amazon Linux 2 and Ubuntu Server; the API cannot tell whether it still is.
    private static string ScreenAdvice(string? platformName) =>
        platformName is not null
        && (platformName.Contains("Amazon Linux", StringComparison.OrdinalIgnoreCase) || platformName.Contains("Ubuntu", StringComparison.OrdinalIgnoreCase))
            ? $"Session logs are cut unless the screen utility is installed; {platformName} ships it by default, keep it installed."
            : "Session logs are cut unless the screen utility is installed: sudo yum install screen, or sudo apt-get install screen.";
}
