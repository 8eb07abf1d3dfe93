namespace SessionAudit.Reporting.Ports;

/// <summary>What a Session document declares about its sessions: the <c>sessionType</c> of its content (GetDocument), or
/// why it could not be read.</summary>
/// <param name="SessionType">Standard_Stream, InteractiveCommands, NonInteractiveCommands or Port; null when unknown.</param>
/// <param name="Error">Why the document could not be read; null when it was.</param>
/// <param name="Absent">True when the account has no document of that name (GetDocument: InvalidDocument).</param>
public sealed record SessionDocumentType(string? SessionType, string? Error = null, bool Absent = false)
{
    /// <summary>The log destinations its preferences name (inputs s3BucketName, s3KeyPrefix, s3EncryptionEnabled,
    /// cloudWatchLogGroupName), read with the same GetDocument; null when the document could not be read.</summary>
    public LogDestinations? Destinations { get; init; }

    /// <summary>A document the account does not have.</summary>
    public static SessionDocumentType NotFound(string error) => new(null, error, Absent: true);

    /// <summary>A document that could not be read (AccessDenied, deleted, not JSON...).</summary>
    public static SessionDocumentType Unreadable(string error) => new(null, error);
}
