using SessionAudit.Reporting.Ports;

namespace SessionAudit.Reporting.Model;

/// <summary>One line of the report: a session in the window, with its duration and whether it was logged.</summary>
/// <param name="Duration">End minus start; for a session still open, the time until the report was made; null when unknown.</param>
/// <param name="State">Which DescribeSessions list the row came from (History wins when a session is in both).</param>
public sealed record SessionRow(
    string SessionId,
    string? Target,
    string? Owner,
    string? DocumentName,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    TimeSpan? Duration,
    string Status,
    string? AccessType,
    SessionState State,
    NotLoggedReason NotLoggedReason)
{
    /// <summary>True when Session Manager could log the session.</summary>
    public bool Logged => NotLoggedReason == NotLoggedReason.None;
}
