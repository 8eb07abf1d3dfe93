using SessionAudit.Reporting.Model;

namespace SessionAudit.Reporting.Engine;

/// <summary>
/// Decides whether Session Manager could log a session (S10). Sessions through port forwarding or SSH are never
/// logged (SSH encrypts the data; Session Manager is only the tunnel), and a session that failed to start has nothing to log.
/// </summary>
public sealed class SessionLoggingRules
{
    /// <summary>The AWS-owned Session documents of session type Port (port forwarding).</summary>
    public static readonly IReadOnlySet<string> AwsPortForwardingDocuments = new HashSet<string>(StringComparer.Ordinal)
    {
        "AWS-StartPortForwardingSession",
        "AWS-StartPortForwardingSessionToRemoteHost",
        "AWS-StartPortForwardingSessionToSocket",
    };

    /// <summary>The AWS-owned SSH Session document (used by the <c>ProxyCommand</c> of ssh and scp).</summary>
    public const string AwsSshDocument = "AWS-StartSSHSession";

    /// <summary>The DescribeSessions status of a session that did not start.</summary>
    public const string FailedStatus = "Failed";

    private readonly HashSet<string> portForwarding;

    /// <summary>Creates the rules, adding the account's own port-forwarding documents to the AWS ones.</summary>
    public SessionLoggingRules(IEnumerable<string>? additionalPortForwardingDocuments = null)
    {
        portForwarding = new HashSet<string>(AwsPortForwardingDocuments, StringComparer.Ordinal);
        if (additionalPortForwardingDocuments is not null)
        {
            portForwarding.UnionWith(additionalPortForwardingDocuments);
        }
    }

    /// <summary>Why the session was not logged, or <see cref="NotLoggedReason.None"/>.</summary>
    /// <remarks>A failed start wins over the document: the session never carried any data.</remarks>
    public NotLoggedReason Classify(string? documentName, string status)
    {
        if (string.Equals(status, FailedStatus, StringComparison.OrdinalIgnoreCase))
        {
            return NotLoggedReason.FailedToStart;
        }

        if (documentName is null)
        {
            return NotLoggedReason.None;
        }

        if (string.Equals(documentName, AwsSshDocument, StringComparison.Ordinal))
        {
            return NotLoggedReason.Ssh;
        }

        return portForwarding.Contains(documentName) ? NotLoggedReason.PortForwarding : NotLoggedReason.None;
    }
}
