using SessionAudit.Reporting.Ports;
using SessionAudit.Reporting.Readiness;
using Xunit;

namespace SessionAudit.Reporting.Tests;

public sealed class ReadinessTests
{
    private static ManagedInstance Windows(string name, string? version, string agent = "3.3.40.0") =>
        new() { InstanceId = "i-0win", PlatformType = "Windows", PlatformName = name, PlatformVersion = version, AgentVersion = agent, PingStatus = "Online" };

    private static ManagedInstance Linux(string name, string agent = "3.3.40.0") =>
        new() { InstanceId = "i-0lin", PlatformType = "Linux", PlatformName = name, PlatformVersion = "2", AgentVersion = agent, PingStatus = "Online" };

    private static string[] Codes(InstanceReadiness r) => [.. r.Findings.Select(f => f.Code)];

    [Theory]
    [InlineData("3.0.283.0", true, false, new[] { ReadinessFinding.LinuxNeedsScreen, ReadinessFinding.AgentTooOldForStreaming })]
    [InlineData("3.0.284.0", true, false, new[] { ReadinessFinding.LinuxNeedsScreen })]
    [InlineData("3.0.160.0", false, true, new[] { ReadinessFinding.LinuxNeedsScreen, ReadinessFinding.AgentTooOldForShellProfile })]
    [InlineData("3.0.161.0", false, true, new[] { ReadinessFinding.LinuxNeedsScreen })]
    [InlineData("2.3.100.0", false, false, new[] { ReadinessFinding.LinuxNeedsScreen })]
    [InlineData("2.3.100.0", true, true, new[] { ReadinessFinding.LinuxNeedsScreen, ReadinessFinding.AgentTooOldForStreaming, ReadinessFinding.AgentTooOldForShellProfile })]
    public void Streaming_and_shell_profiles_need_their_agent_versions_when_configured(string agent, bool streaming, bool shellProfile, string[] expected)
    {
        var r = ReadinessRules.Evaluate(Linux("Amazon Linux", agent), kmsEncryptionConfigured: false, streaming, shellProfile);

        Assert.Equal(expected, Codes(r));
    }

    [Fact]
    public void MacOS_nodes_need_screen_for_complete_logs()
    {
        var mac = new ManagedInstance { InstanceId = "i-0mac", PlatformType = "MacOS", PlatformName = "macOS", PlatformVersion = "14.1", AgentVersion = "3.3.40.0" };

        Assert.Equal([ReadinessFinding.MacOsNeedsScreen], Codes(ReadinessRules.Evaluate(mac, kmsEncryptionConfigured: false)));
    }

    [Theory]
    [InlineData("Microsoft Windows Server 2003 R2 Standard", "5.2.3790", "Windows Server 2003", true)]
    [InlineData("Microsoft Windows Server 2008 Datacenter", "6.0.6002", "Windows Server 2008", true)]
    [InlineData("Microsoft Windows Server 2008 R2 Datacenter", "6.1.7601", "Windows Server 2008 R2", true)]
    [InlineData("Microsoft Windows Server 2012 Datacenter", "6.2.9200", "Windows Server 2012", true)]
    [InlineData("Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600", "Windows Server 2012 R2", false)]
    [InlineData("Microsoft Windows Server 2016 Datacenter", "10.0.14393", "Windows Server 2016", false)]
    [InlineData("Microsoft Windows Server 2019 Datacenter", "10.0.17763", "Windows Server 2019", false)]
    [InlineData("Microsoft Windows Server 2022 Datacenter", "10.0.20348", "Windows Server 2022", false)]
    public void Windows_before_Server_2012_R2_is_flagged_by_its_kernel_version(string name, string version, string release, bool flagged)
    {
        var r = ReadinessRules.Evaluate(Windows(name, version), kmsEncryptionConfigured: false);

        Assert.Equal($"{release} ({version})", r.Platform);
        Assert.Equal(flagged ? [ReadinessFinding.WindowsBefore2012R2] : [], Codes(r));
        Assert.Equal(flagged ? 1 : 0, r.Warnings);
    }

    [Theory]
    [InlineData("Microsoft Windows Server 2008 R2 Datacenter", true)]
    [InlineData("Microsoft Windows Server 2012 Standard", true)]
    [InlineData("Microsoft Windows Server 2012 R2 Standard", false)]
    [InlineData("Microsoft Windows Server 2019 Datacenter", false)]
    public void Without_a_version_the_release_is_read_from_the_platform_name(string name, bool flagged)
    {
        var r = ReadinessRules.Evaluate(Windows(name, null), kmsEncryptionConfigured: false);
        Assert.Equal(flagged, Codes(r).Contains(ReadinessFinding.WindowsBefore2012R2));
    }

    [Fact]
    public void An_unreadable_windows_release_is_a_note_not_a_warning()
    {
        var r = ReadinessRules.Evaluate(Windows("Windows", "unknown"), kmsEncryptionConfigured: false);
        var finding = Assert.Single(r.Findings);
        Assert.Equal((ReadinessFinding.WindowsVersionUnknown, ReadinessSeverity.Note), (finding.Code, finding.Severity));
        Assert.Equal(0, r.Warnings);
    }

    [Theory]
    [InlineData("2.3.538.0", true, true)]
    [InlineData("2.3.538.0", false, false)]
    [InlineData("2.3.539.0", true, false)]
    [InlineData("2.2.1000.0", true, true)]
    [InlineData("3.3.40.0", true, false)]
    public void An_agent_older_than_2_3_539_is_flagged_only_with_kms_encryption(string agent, bool kms, bool flagged)
    {
        var r = ReadinessRules.Evaluate(Windows("Microsoft Windows Server 2019 Datacenter", "10.0.17763", agent), kms);
        Assert.Equal(flagged ? [ReadinessFinding.AgentTooOldForKms] : [], Codes(r));
        if (flagged)
        {
            Assert.Contains(agent, r.Findings[0].Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_unknown_agent_version_with_kms_is_a_note()
    {
        var r = ReadinessRules.Evaluate(Windows("Microsoft Windows Server 2019 Datacenter", "10.0.17763", agent: null!), kmsEncryptionConfigured: true);
        Assert.Equal([ReadinessFinding.AgentVersionUnknown], Codes(r));
        Assert.Equal(0, r.Warnings);
    }

    [Theory]
    [InlineData("Amazon Linux", "ships it by default")]
    [InlineData("Ubuntu", "ships it by default")]
    [InlineData("Red Hat Enterprise Linux", "sudo yum install screen")]
    public void Linux_gets_a_note_about_screen(string name, string advice)
    {
        var r = ReadinessRules.Evaluate(Linux(name), kmsEncryptionConfigured: false);
        var finding = Assert.Single(r.Findings);
        Assert.Equal((ReadinessFinding.LinuxNeedsScreen, ReadinessSeverity.Note), (finding.Code, finding.Severity));
        Assert.Contains(advice, finding.Message, StringComparison.Ordinal);
        Assert.Equal($"{name} (2)", r.Platform);
    }

    [Fact]
    public void A_linux_node_with_an_old_agent_and_kms_has_a_warning_and_a_note()
    {
        var r = ReadinessRules.Evaluate(Linux("Amazon Linux", "2.3.538.0"), kmsEncryptionConfigured: true);
        Assert.Equal([ReadinessFinding.LinuxNeedsScreen, ReadinessFinding.AgentTooOldForKms], Codes(r));
        Assert.Equal(1, r.Warnings);
    }
}
