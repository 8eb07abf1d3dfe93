namespace SessionAudit.Policy.Model;

/// <summary>The Session Manager API calls an alert rule can match.</summary>
public static class SessionEventNames
{
    /// <summary>StartSession.</summary>
    public const string StartSession = "StartSession";
    /// <summary>ResumeSession.</summary>
    public const string ResumeSession = "ResumeSession";
    /// <summary>TerminateSession.</summary>
    public const string TerminateSession = "TerminateSession";

    /// <summary>All of them, in the order the rule pattern lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [StartSession, ResumeSession, TerminateSession];
}
