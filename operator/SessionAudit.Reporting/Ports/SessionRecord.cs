namespace SessionAudit.Reporting.Ports;

/// <summary>One Session Manager session, as DescribeSessions returns it (Details and OutputUrl are reserved by AWS and left out).</summary>
/// <remarks>
/// Status and AccessType stay strings, so that a value AWS adds later passes through instead of failing the report.
/// MaxSessionDuration is the API's string (minutes).
/// </remarks>
public sealed record SessionRecord
{
    /// <summary>The session id, e.g. <c>alice-0123456789abcdef0</c>.</summary>
    public required string SessionId { get; init; }

    /// <summary>The instance or target the session connected to.</summary>
    public string? Target { get; init; }

    /// <summary>Connected, Connecting, Disconnected, Terminated, Terminating or Failed.</summary>
    public required string Status { get; init; }

    /// <summary>When the session started.</summary>
    public DateTimeOffset? StartDate { get; init; }

    /// <summary>When the session ended; null while it is open.</summary>
    public DateTimeOffset? EndDate { get; init; }

    /// <summary>The Session document, e.g. <c>SSM-SessionManagerRunShell</c> or <c>AWS-StartPortForwardingSession</c>.</summary>
    public string? DocumentName { get; init; }

    /// <summary>The ARN of the user or role that started the session.</summary>
    public string? Owner { get; init; }

    /// <summary>The reason given when the session was started.</summary>
    public string? Reason { get; init; }

    /// <summary>The maximum duration in minutes, as the API's string.</summary>
    public string? MaxSessionDuration { get; init; }

    /// <summary>Standard or JustInTime.</summary>
    public string? AccessType { get; init; }
}
