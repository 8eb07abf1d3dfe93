using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;
using Xunit;

namespace SessionAudit.Reporting.Tests;

public sealed class SessionLoggingRulesTests
{
    [Theory]
    [InlineData("SSM-SessionManagerRunShell", "Standard_Stream", "Terminated", NotLoggedReason.None)]
    [InlineData(null, null, "Connected", NotLoggedReason.None)]
    [InlineData("AWS-StartInteractiveCommand", "InteractiveCommands", "Terminated", NotLoggedReason.None)]
    [InlineData("AWS-StartNonInteractiveCommand", "NonInteractiveCommands", "Terminated", NotLoggedReason.None)]
    [InlineData("AWS-StartPortForwardingSession", "Port", "Terminated", NotLoggedReason.PortForwarding)]
    [InlineData("Team-DatabaseTunnel", "Port", "Connected", NotLoggedReason.PortForwarding)]
    [InlineData("AWS-StartSSHSession", "Port", "Terminated", NotLoggedReason.Ssh)]
    [InlineData("SSM-SessionManagerRunShell", "Standard_Stream", "Failed", NotLoggedReason.FailedToStart)]
    [InlineData("AWS-StartSSHSession", "Port", "Failed", NotLoggedReason.FailedToStart)]
    [InlineData("Team-Shell", "Future_Type", "Terminated", NotLoggedReason.Unknown)]
    public void Classifies_by_the_documents_session_type_and_failed_starts(string? document, string? sessionType, string status, NotLoggedReason expected) =>
        Assert.Equal(expected, new SessionLoggingRules().Classify(document, status, sessionType is null ? null : new SessionDocumentType(sessionType)));

    [Fact]
    public void A_document_that_could_not_be_read_is_unknown_not_logged()
    {
        var rules = new SessionLoggingRules();
        Assert.Equal(NotLoggedReason.Unknown, rules.Classify("Team-Shell", "Terminated", SessionDocumentType.Unreadable("AccessDeniedException: not allowed")));
        Assert.Equal(NotLoggedReason.Unknown, rules.Classify("Team-Shell", "Terminated", null));
        // The name alone proves nothing: a document named like an AWS shell document may be of type Port.
        Assert.Equal(NotLoggedReason.PortForwarding, rules.Classify("SSM-SessionManagerRunShell-Tunnel", "Terminated", new SessionDocumentType("Port")));
    }

    [Fact]
    public void An_absent_preferences_document_is_a_plain_shell_session_and_any_other_absent_document_is_unknown()
    {
        var rules = new SessionLoggingRules();
        var absent = SessionDocumentType.NotFound("InvalidDocument: Document with name X does not exist.");
        Assert.Equal(NotLoggedReason.None, rules.Classify("SSM-SessionManagerRunShell", "Terminated", absent));
        Assert.Equal(NotLoggedReason.Unknown, rules.Classify("Team-Shell", "Terminated", absent));
        // Refused is not absent: whether the preferences were changed to something else is unknown.
        Assert.Equal(NotLoggedReason.Unknown, rules.Classify("SSM-SessionManagerRunShell", "Terminated", SessionDocumentType.Unreadable("AccessDeniedException: not allowed")));
    }

    [Fact]
    public void Documents_named_as_port_forwarding_are_not_read()
    {
        var rules = new SessionLoggingRules(["Team-DatabaseTunnel"]);
        Assert.False(rules.NeedsType("Team-DatabaseTunnel", "Terminated"));
        Assert.Equal(NotLoggedReason.PortForwarding, rules.Classify("Team-DatabaseTunnel", "Terminated", null));
        Assert.True(new SessionLoggingRules().NeedsType("Team-DatabaseTunnel", "Terminated"));
        Assert.False(new SessionLoggingRules().NeedsType("Team-DatabaseTunnel", "Failed"));
    }
}
