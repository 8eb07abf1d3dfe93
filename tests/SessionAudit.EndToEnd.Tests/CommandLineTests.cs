using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The command line as a user meets it: help on every verb, one-line errors with exit code 2.</summary>
public sealed class CommandLineTests
{
    private static Task<ProcessResult> SessionAudit(params string[] args) =>
        Tool.RunAsync("dotnet", [Tools.OperatorDll, .. args], ct: TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("run")]
    [InlineData("sandbox")]
    [InlineData("plan")]
    [InlineData("report")]
    [InlineData("crd")]
    [InlineData("iam-policy")]
    [InlineData("version")]
    public async Task Every_verb_has_help(string verb)
    {
        var result = await SessionAudit(verb, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.StdOut, StringComparison.Ordinal);
        Assert.Contains(verb, result.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("run", "--no-such-flag")]
    [InlineData("run", "--concurrency", "lots")]
    [InlineData("run", "--concurrency", "0")]
    [InlineData("run", "--log-format", "xml")]
    [InlineData("run", "--resync", "soon")]
    [InlineData("report", "--format", "pdf")]
    [InlineData("report", "--days", "many")]
    [InlineData("report", "--days", "31")]
    [InlineData("sandbox", "--k8s-port", "http")]
    public async Task Bad_command_lines_get_one_line_and_exit_code_2(params string[] args)
    {
        var result = await SessionAudit(args);

        Assert.Equal(2, result.ExitCode);
        var errorLines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(errorLines);
        Assert.StartsWith("session-audit: ", errorLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("iam-policy")]
    public async Task A_manifest_with_YAML_aliases_is_refused_in_one_line(string verb)
    {
        var file = Path.Combine(Path.GetTempPath(), $"laughs-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            kind: SessionLoggingPolicy
            apiVersion: sessionaudit.io/v1alpha1
            metadata: {name: x}
            spec: {region: us-east-1, documentName: *c}
            """, TestContext.Current.CancellationToken);
        try
        {
            var result = await SessionAudit(verb, "-f", file);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("aliases are not accepted", result.StdErr, StringComparison.Ordinal);
            Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Version_prints_the_program_name_and_a_version()
    {
        var result = await SessionAudit("version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^session-audit \d+\.\d+\.\d+", result.StdOut);
        // The chart's appVersion, the image tag and the program say the same (one version, set in Directory.Build.props).
        var chart = File.ReadAllText(Path.Combine(Tools.RepoRoot, "charts", "session-audit-operator", "Chart.yaml"));
        var appVersion = System.Text.RegularExpressions.Regex.Match(chart, "(?m)^appVersion: \"([^\"]+)\"$").Groups[1].Value;
        Assert.Equal($"session-audit {appVersion}", result.StdOut.Trim());
    }
}
