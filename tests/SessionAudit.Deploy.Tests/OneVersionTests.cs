using System.Reflection;
using System.Text.RegularExpressions;
using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>One version everywhere: set once in Directory.Build.props; the chart, the manifests' image tag, the image's
/// label and the program itself say the same.</summary>
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

    [Fact]
    public void The_image_label_and_the_published_binary_take_the_one_version()
    {
        var dockerfile = File.ReadAllText(RepoPaths.In("Dockerfile"));
        var global = dockerfile[..dockerfile.IndexOf("\nFROM ", StringComparison.Ordinal)];
        Assert.Matches($"(?m)^ARG VERSION={Regex.Escape(Version)}$", global);
        var stages = dockerfile.Split("\nFROM ")[1..];
        Assert.Equal(2, stages.Length);
        // An ARG declared before the first FROM reaches a stage only when the stage declares it again.
        Assert.All(stages, stage => Assert.Matches("(?m)^ARG VERSION$", stage));
        Assert.Contains("-p:Version=$VERSION", stages[0], StringComparison.Ordinal);
        Assert.Matches("(?m)^LABEL .*org\\.opencontainers\\.image\\.version=\"\\$VERSION\"", stages[1]);
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionLine();
}
