using System.Reflection;
using SessionAudit.Policy.Crd;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Validation;
using SessionAudit.Tests.Re2Reference;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace SessionAudit.Policy.Tests.Crd;

/// <summary>
/// kube-apiserver compiles every CRD pattern with Go's regexp: each must compile there, and the validator (which
/// matches them with .NET) must give the API server's answer for the same value.
/// </summary>
public sealed class PatternsAreRe2Tests
{
    private static readonly (string Name, string Pattern)[] All =
        [.. typeof(Patterns).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (f.Name, (string)f.GetRawConstantValue()!))];

    /// <summary>Values near each pattern's edges, with the trailing newline and non-ASCII cases where .NET and RE2 differ.</summary>
    private static readonly string[] Values =
    [
        "", "a", "us-east-1", "us-east-1\n", "us-gov-west-1", "eu-central-12", "cn-north-1", "arn:aws:iam::111122223333:role/ec2-ssm",
        "arn:aws:iam::111122223333:role/ec2-ssm\n", "arn:aws-cn:sts::111122223333:assumed-role/r/s", "ab", "a\u00e9", "sessions/", "sessions/\n",
        "/sessions", "s\u0001", "acme-session-logs", "acme-session-logs\n", "Acme", "/ssm/sessions", "alias/session-manager",
        "1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-0123456789abcdef0123456789abcdef", "arn:aws:sns:us-east-1:111122223333:topic.fifo",
        "arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST", "arn:aws:codepipeline:us-east-1:111122223333:p",
        "AWS-RunShellScript", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript", "InstanceIds", "tag:Team", "tag:\u00e9quipe \u0661",
        "30s", "1h30m", "5m\n", "ssm-user", "_x", "\u0661\u0662", new string('a', 1300), "x" + new string('b', 1100),
    ];

    [Fact]
    public void Every_pattern_compiles_in_Go_and_the_validator_matches_as_Go_does()
    {
        var go = GoRegexp.Check([.. All.Select(p => (p.Pattern, Values))]);
        var problems = new List<string>();
        for (var i = 0; i < All.Length; i++)
        {
            var (name, pattern) = All[i];
            if (!go[i].Ok)
            {
                problems.Add($"Patterns.{name}: Go refuses it: {go[i].Error}");
                continue;
            }

            for (var k = 0; k < Values.Length; k++)
            {
                if (SchemaRules.Matches(pattern, Values[k]) != go[i].Matches![k])
                {
                    problems.Add($"Patterns.{name} on \"{SchemaRules.Shorten(Values[k].Replace("\n", "\\n", StringComparison.Ordinal))}\": Go {go[i].Matches![k]}, validator {!go[i].Matches![k]}");
                }
            }
        }

        Assert.True(All.Length >= 15, $"only {All.Length} patterns found");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_pattern_of_the_generated_crd_compiles_in_Go()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(CrdGenerator.Generate()));
        var patterns = new List<string>();
        Collect(stream.Documents[0].RootNode, patterns);

        var go = GoRegexp.Check([.. patterns.Select(p => (p, Array.Empty<string>()))]);

        Assert.True(patterns.Count >= 15, $"only {patterns.Count} patterns in the generated CRD");
        var refused = patterns.Zip(go).Where(x => !x.Second.Ok).Select(x => $"{x.First}: {x.Second.Error}").ToList();
        Assert.True(refused.Count == 0, "Go's regexp (kube-apiserver) refuses:\n" + string.Join('\n', refused));
    }

    [Theory]
    [InlineData("^a$", "a\n", false)]
    [InlineData("^a$", "a", true)]
    [InlineData("^\\$LATEST$", "$LATEST", true)]
    [InlineData("^[$]$", "$", true)]
    public void The_validator_reads_dollar_as_the_end_of_the_text(string pattern, string value, bool matches)
    {
        Assert.Equal(matches, SchemaRules.Matches(pattern, value));
    }

    private static void Collect(YamlNode node, List<string> patterns)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    if (key is YamlScalarNode { Value: "pattern" } && value is YamlScalarNode { Value: { } p })
                    {
                        patterns.Add(p);
                    }
                    else
                    {
                        Collect(value, patterns);
                    }
                }

                break;
            case YamlSequenceNode seq:
                foreach (var item in seq.Children)
                {
                    Collect(item, patterns);
                }

                break;
        }
    }
}
