namespace SessionAudit.Reporting.Readiness;

/// <summary>One thing about a managed node that affects session logging, with a stable code and a sentence for people.</summary>
public sealed record ReadinessFinding(string Code, ReadinessSeverity Severity, string Message)
{
    /// <summary>Windows older than Server 2012 R2: logs are poorly formatted.</summary>
    public const string WindowsBefore2012R2 = "windows-before-2012r2";

    /// <summary>SSM Agent older than 2.3.539.0 while KMS session encryption is configured.</summary>
    public const string AgentTooOldForKms = "agent-too-old-for-kms";

    /// <summary>The agent version could not be read while KMS session encryption is configured.</summary>
    public const string AgentVersionUnknown = "agent-version-unknown";

    /// <summary>Linux needs the <c>screen</c> utility or session logs are cut.</summary>
    public const string LinuxNeedsScreen = "linux-needs-screen";

    /// <summary>macOS needs the <c>screen</c> utility or session logs are cut.</summary>
    public const string MacOsNeedsScreen = "macos-needs-screen";

    /// <summary>SSM Agent older than 3.0.284.0 while CloudWatch streaming is configured.</summary>
    public const string AgentTooOldForStreaming = "agent-too-old-for-streaming";

    /// <summary>SSM Agent older than 3.0.161.0 while a shell profile is configured.</summary>
    public const string AgentTooOldForShellProfile = "agent-too-old-for-shell-profile";

    /// <summary>A Windows node whose version could not be read.</summary>
    public const string WindowsVersionUnknown = "windows-version-unknown";
}
