namespace SessionAudit.Reporting.Model;

/// <summary>Why Session Manager kept no log of a session (S10); <see cref="None"/> when it did.</summary>
public enum NotLoggedReason
{
    /// <summary>The session was logged (to the extent the preferences send logs anywhere).</summary>
    None,

    /// <summary>A port-forwarding document: Session Manager only tunnels bytes it cannot read.</summary>
    PortForwarding,

    /// <summary>An SSH session: SSH encrypts the data end to end, Session Manager is only the tunnel.</summary>
    Ssh,

    /// <summary>The session failed to start, so there was nothing to log.</summary>
    FailedToStart,

    /// <summary>The session's document could not be read, or names a sessionType that is not known: whether Session
    /// Manager logged it is unknown, so it is not counted as logged.</summary>
    Unknown,
}
