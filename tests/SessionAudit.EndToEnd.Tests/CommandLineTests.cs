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

    [Fact]
    public async Task Version_prints_the_program_name_and_a_version()
    {
        var result = await SessionAudit("version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^session-audit \d+\.\d+\.\d+", result.StdOut);
    }
}
