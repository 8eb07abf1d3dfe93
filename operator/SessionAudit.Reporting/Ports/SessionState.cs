namespace SessionAudit.Reporting.Ports;

/// <summary>Which list of sessions to read: the DescribeSessions <c>State</c> parameter.</summary>
public enum SessionState
{
    /// <summary>Sessions that ended (Terminated, Failed, Disconnected...), kept by AWS for 30 days.</summary>
    History,

    /// <summary>Sessions that are open now (Connected, Connecting, Terminating...).</summary>
    Active,
}
