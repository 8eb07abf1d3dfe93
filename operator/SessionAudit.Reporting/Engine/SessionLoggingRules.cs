using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;

namespace SessionAudit.Reporting.Engine;

/// <summary>
/// Decides whether Session Manager could log a session (S10), by its document's <c>sessionType</c>, not its name: anyone
/// may create a document of type Port. "Logging and auditing are not available for Session Manager sessions that connect
/// through port forwarding or SSH" (Session Manager user guide, session-manager-logging): Port sessions are never logged;
/// Standard_Stream (shell), InteractiveCommands and NonInteractiveCommands sessions are. A session that failed to start
/// has nothing to log; a document that cannot be read leaves the answer unknown, except an absent preferences document
/// (<see cref="DefaultShellDocument"/>), whose sessions are plain shell sessions.
/// </summary>
public sealed class SessionLoggingRules
{
    /// <summary>The AWS-owned SSH Session document (used by the <c>ProxyCommand</c> of ssh and scp); of type Port.</summary>
    public const string AwsSshDocument = "AWS-StartSSHSession";

    /// <summary>The document DescribeSessions names for a plain shell session: the Session Manager preferences document,
    /// of type Standard_Stream. An account that never saved preferences has none, and its shell sessions run with the
    /// defaults, so an absent one still means a shell session.</summary>
    public const string DefaultShellDocument = "SSM-SessionManagerRunShell";

    /// <summary>The DescribeSessions status of a session that did not start.</summary>
    public const string FailedStatus = "Failed";

    /// <summary>The sessionType of port forwarding and SSH documents.</summary>
    public const string PortSessionType = "Port";

    private static readonly HashSet<string> LoggedSessionTypes = new(StringComparer.Ordinal) { "Standard_Stream", "InteractiveCommands", "NonInteractiveCommands" };

    private readonly HashSet<string> portForwarding;

    /// <summary>Creates the rules; <paramref name="additionalPortForwardingDocuments"/> are taken as Port documents without being read.</summary>
    public SessionLoggingRules(IEnumerable<string>? additionalPortForwardingDocuments = null)
    {
        portForwarding = new HashSet<string>(additionalPortForwardingDocuments ?? [], StringComparer.Ordinal);
    }

    /// <summary>True when the document's type must be read to classify a session of it.</summary>
    public bool NeedsType(string? documentName, string status) =>
        documentName is not null && !string.Equals(status, FailedStatus, StringComparison.OrdinalIgnoreCase) && !portForwarding.Contains(documentName);

    /// <summary>Why the session was not logged, or <see cref="NotLoggedReason.None"/>.</summary>
    /// <param name="documentName">DescribeSessions' DocumentName; null is the default shell session.</param>
    /// <param name="status">DescribeSessions' Status.</param>
    /// <param name="type">The document's type as read; null when it was not read.</param>
    /// <remarks>A failed start wins over the document: the session never carried any data.</remarks>
    public NotLoggedReason Classify(string? documentName, string status, SessionDocumentType? type)
    {
        if (string.Equals(status, FailedStatus, StringComparison.OrdinalIgnoreCase))
        {
            return NotLoggedReason.FailedToStart;
        }

        if (documentName is null)
        {
            return NotLoggedReason.None;
        }

        if (portForwarding.Contains(documentName))
        {
            return NotLoggedReason.PortForwarding;
        }

        if (type is { Absent: true } && string.Equals(documentName, DefaultShellDocument, StringComparison.Ordinal))
        {
            return NotLoggedReason.None;
        }

        return type?.SessionType switch
        {
            PortSessionType => string.Equals(documentName, AwsSshDocument, StringComparison.Ordinal) ? NotLoggedReason.Ssh : NotLoggedReason.PortForwarding,
            { } t when LoggedSessionTypes.Contains(t) => NotLoggedReason.None,
            _ => NotLoggedReason.Unknown,
        };
    }
}
