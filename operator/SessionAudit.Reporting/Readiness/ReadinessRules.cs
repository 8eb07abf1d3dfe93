using SessionAudit.Reporting.Ports;

namespace SessionAudit.Reporting.Readiness;

/// <summary>Judges a managed node's readiness for session logging (S11): Windows release, SSM Agent version, Linux <c>screen</c>.</summary>
public static class ReadinessRules
{
    /// <summary>KMS session encryption needs SSM Agent 2.3.539.0 or later.</summary>
    public static readonly Version MinimumAgentForKms = new(2, 3, 539, 0);

    /// <summary>Streaming session data to CloudWatch Logs needs SSM Agent 3.0.284.0 or later (Session Manager prerequisites).</summary>
    public static readonly Version MinimumAgentForStreaming = new(3, 0, 284, 0);

    /// <summary>Shell profiles need SSM Agent 3.0.161.0 or later (Session Manager prerequisites).</summary>
    public static readonly Version MinimumAgentForShellProfiles = new(3, 0, 161, 0);

    /// <summary>Evaluates one node; <paramref name="kmsEncryptionConfigured"/> turns on the agent version check.</summary>
    public static InstanceReadiness Evaluate(ManagedInstance instance, bool kmsEncryptionConfigured) =>
        Evaluate(instance, kmsEncryptionConfigured, cloudWatchStreamingConfigured: false, shellProfileConfigured: false);

    /// <summary>Evaluates one node; each configured feature turns on the agent version check it needs.</summary>
    public static InstanceReadiness Evaluate(ManagedInstance instance, bool kmsEncryptionConfigured, bool cloudWatchStreamingConfigured, bool shellProfileConfigured)
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

        // "If you're using Linux or macOS managed nodes, ensure that the screen utility is installed. If it isn't, your log
        // data might be truncated." (Session Manager user guide, session-manager-logging.)
        if (string.Equals(instance.PlatformType, "MacOS", StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new(ReadinessFinding.MacOsNeedsScreen, ReadinessSeverity.Note,
                "Session logs are cut unless the screen utility is installed: keep screen on the node (brew install screen)."));
        }

        var version = instance.AgentVersion is { } t && Version.TryParse(t.Trim(), out var v) ? v : null;
        if (cloudWatchStreamingConfigured && version is not null && version < MinimumAgentForStreaming)
        {
            findings.Add(new(ReadinessFinding.AgentTooOldForStreaming, ReadinessSeverity.Warning,
                $"SSM Agent {instance.AgentVersion!.Trim()} is older than {MinimumAgentForStreaming}, which streaming session data to CloudWatch Logs needs: this node's sessions are not streamed. Update the agent."));
        }

        if (shellProfileConfigured && version is not null && version < MinimumAgentForShellProfiles)
        {
            findings.Add(new(ReadinessFinding.AgentTooOldForShellProfile, ReadinessSeverity.Warning,
                $"SSM Agent {instance.AgentVersion!.Trim()} is older than {MinimumAgentForShellProfiles}, which shell profiles need: the profile does not run on this node. Update the agent."));
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
