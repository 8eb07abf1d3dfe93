using System.Reflection;
using System.Text.RegularExpressions;
using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>One version everywhere: set once in Directory.Build.props; the chart, the manifests' image tag and the
/// program itself say the same.</summary>
public sealed partial class OneVersionTests
{
    private static string Version => VersionLine().Match(File.ReadAllText(RepoPaths.In("Directory.Build.props"))).Groups[1].Value;

    [Fact]
    public void The_chart_the_manifests_and_the_assemblies_carry_the_one_version()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", Version);
        var chart = File.ReadAllText(RepoPaths.In("charts", "session-audit-operator", "Chart.yaml"));
        Assert.Matches($"(?m)^version: {Regex.Escape(Version)}$", chart);
        Assert.Matches($"(?m)^appVersion: \"{Regex.Escape(Version)}\"$", chart);
        Assert.Contains($"image: ghcr.io/session-audit/session-audit-operator:{Version}", File.ReadAllText(RepoPaths.In("deploy", "deployment.yaml")), StringComparison.Ordinal);
        // This test assembly is built with the same Directory.Build.props as the operator.
        Assert.Equal(Version, typeof(OneVersionTests).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionLine();
}
