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

    /// <summary>Whether the session's log is where its preferences send it: true when found in every destination, false
    /// when missing from one, null when it cannot be known (not logged by design, still active, no destination
    /// configured, destination unreadable, not checked).</summary>
    public bool? LogDelivered { get; init; }

    /// <summary>Where the log should be: <c>s3://bucket/key</c> and/or <c>logGroup/stream</c>, separated by <c>; </c>;
    /// null when no destination is known.</summary>
    public string? LogLocation { get; init; }

    /// <summary>Why <see cref="LogDelivered"/> is false or null, as the report can tell (bucket missing, bucket not
    /// encrypted while the preferences require it, log group missing, AccessDenied...); null when delivered.</summary>
    public string? LogNote { get; init; }

    /// <summary>The IAM role ARN the target runs with, read only for a session whose log is missing from a bucket encrypted
    /// with a customer-managed KMS key (the role uploads the log and needs a grant on the key); null otherwise or when the
    /// role could not be read.</summary>
    public string? InstanceRole { get; init; }
}
