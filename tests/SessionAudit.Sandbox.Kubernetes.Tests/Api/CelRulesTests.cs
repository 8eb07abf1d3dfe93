using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Admission;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Api;

/// <summary>CEL as Kubernetes evaluates it: duration() comparisons, and reading an absent field is an error, not false.</summary>
public sealed class CelRulesTests
{
    [Theory]
    [InlineData("10s", false)]
    [InlineData("30s", true)]
    [InlineData("1h30m", true)]
    [InlineData("24h", true)]
    [InlineData("24h1s", false)]
    [InlineData("48h", false)]
    public void Duration_comparisons_bound_a_string_field(string value, bool passes)
    {
        var (passed, error) = CelRules.Evaluate("duration(self) >= duration('30s') && duration(self) <= duration('24h')", JsonValue.Create(value), null);

        Assert.Null(error);
        Assert.Equal(passes, passed);
    }

    [Theory]
    [InlineData("self.missing == 'x'")]
    [InlineData("self.missing")]
    [InlineData("!self.missing")]
    [InlineData("self.missing == 'x' || false")]
    [InlineData("self.missing.deeper == 1")]
    public void Reading_an_absent_field_is_a_no_such_key_error(string rule)
    {
        var (passed, error) = CelRules.Evaluate(rule, JsonNode.Parse("""{"present":"x"}"""), null);

        Assert.False(passed);
        Assert.Equal("no such key: missing", error);
    }

    [Fact]
    public void Has_guards_an_absent_field()
    {
        var (passed, error) = CelRules.Evaluate("!has(self.missing) || self.missing == 'x'", JsonNode.Parse("""{"present":"x"}"""), null);

        Assert.Null(error);
        Assert.True(passed);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("a\n", false)]
    [InlineData("\u0661", false)]
    public void Matches_uses_RE2_semantics(string value, bool matches)
    {
        var (passed, error) = CelRules.Evaluate(@"self.matches('^[a\\d]$')", JsonValue.Create(value), null);

        Assert.Null(error);
        Assert.Equal(matches, passed);
    }

    [Fact]
    public void Matches_with_a_pattern_Go_refuses_is_an_evaluation_error()
    {
        var (passed, error) = CelRules.Evaluate("self.matches('^(?=a)')", JsonValue.Create("a"), null);

        Assert.False(passed);
        Assert.Contains("invalid or unsupported Perl syntax", error, StringComparison.Ordinal);
    }
}
