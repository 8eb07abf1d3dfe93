using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using Xunit;

namespace SessionAudit.Reporting.Tests;

public sealed class SessionLoggingRulesTests
{
    [Theory]
    [InlineData("SSM-SessionManagerRunShell", "Terminated", NotLoggedReason.None)]
    [InlineData(null, "Connected", NotLoggedReason.None)]
    [InlineData("AWS-StartInteractiveCommand", "Terminated", NotLoggedReason.None)]
    [InlineData("AWS-StartNonInteractiveCommand", "Terminated", NotLoggedReason.None)]
    [InlineData("AWS-StartPortForwardingSession", "Terminated", NotLoggedReason.PortForwarding)]
    [InlineData("AWS-StartPortForwardingSessionToRemoteHost", "Connected", NotLoggedReason.PortForwarding)]
    [InlineData("AWS-StartPortForwardingSessionToSocket", "Terminated", NotLoggedReason.PortForwarding)]
    [InlineData("AWS-StartSSHSession", "Terminated", NotLoggedReason.Ssh)]
    [InlineData("SSM-SessionManagerRunShell", "Failed", NotLoggedReason.FailedToStart)]
    [InlineData("AWS-StartSSHSession", "Failed", NotLoggedReason.FailedToStart)]
    public void Classifies_documents_and_failed_starts(string? document, string status, NotLoggedReason expected) =>
        Assert.Equal(expected, new SessionLoggingRules().Classify(document, status));

    [Fact]
    public void The_accounts_own_port_forwarding_documents_are_unlogged_too()
    {
        var rules = new SessionLoggingRules(["Team-DatabaseTunnel"]);
        Assert.Equal(NotLoggedReason.PortForwarding, rules.Classify("Team-DatabaseTunnel", "Terminated"));
        Assert.Equal(NotLoggedReason.None, new SessionLoggingRules().Classify("Team-DatabaseTunnel", "Terminated"));
    }
}
