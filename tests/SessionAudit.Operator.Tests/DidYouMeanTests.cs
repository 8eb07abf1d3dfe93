using SessionAudit.Operator.Cli;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>A mistyped verb or flag gets the closest real one suggested, in the one error line.</summary>
public sealed class DidYouMeanTests
{
    private static async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await SessionAuditCli.RunAsync(args, stdout, stderr);
        return (exit, stderr.ToString());
    }

    [Theory]
    [InlineData(new[] { "plna", "-f", "x.yaml" }, "did you mean 'plan'?", "session-audit --help")]
    [InlineData(new[] { "reprot" }, "did you mean 'report'?", "session-audit --help")]
    [InlineData(new[] { "run", "--concurency", "3" }, "did you mean '--concurrency'?", "session-audit run --help")]
    [InlineData(new[] { "report", "--formt", "csv" }, "did you mean '--format'?", "session-audit report --help")]
    [InlineData(new[] { "sandbox", "--no-operater" }, "did you mean '--no-operator'?", "session-audit sandbox --help")]
    public async Task A_near_miss_names_the_closest_verb_or_flag(string[] args, string suggestion, string help)
    {
        var (exit, error) = await RunAsync(args);

        Assert.Equal(SessionAuditCli.UsageError, exit);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(suggestion, error, StringComparison.Ordinal);
        Assert.Contains($"(see '{help}')", error, StringComparison.Ordinal);
        Assert.DoesNotContain(".;", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("aply")]
    [InlineData("run", "--no-such-flag")]
    public async Task A_word_close_to_nothing_gets_no_suggestion(params string[] args)
    {
        var (exit, error) = await RunAsync(args);

        Assert.Equal(SessionAuditCli.UsageError, exit);
        Assert.DoesNotContain("did you mean", error, StringComparison.Ordinal);
    }
}
