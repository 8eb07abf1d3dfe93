using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Admission.Re2;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Tests.Re2Reference;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Re2;

/// <summary>The sandbox's RE2 checker and matcher give Go's regexp verdict for every pattern of a corpus.</summary>
public sealed class Re2AgainstGoTests
{
    /// <summary>Patterns where RE2 syntax differs from .NET's or Go refuses something, with inputs where the engines' matching differs.</summary>
    private static readonly (string Pattern, string[] Inputs)[] Corpus =
    [
        ("a{1000}", []), ("a{1001}", []), ("a{2,1000}", []), ("a{0,1001}", []), ("a{1000,}", []), ("a{1001,}", []), ("a{2,1}", []),
        ("a{1000000000}", []), ("a{01}", ["a{01}", "a"]), ("a{,5}", ["a{,5}"]), ("a{1", ["a{1"]), ("{2}", []), ("x{2}{3}", []),
        ("(a{500}){3}", []), ("(a{500}){2}", []), ("(?:a{10}){100}", []), ("(?:a{10}){101}", []), ("((a{2}){2}){250}", []),
        ("((a{2}){2}){251}", []), ("(a{1000})*", []), ("(a{2}){0}", []), ("(a{1001}){0}", []), ("(a*){1000}", []), ("(a{2,}){501}", []),
        ("^([^/][^\\x00-\\x1F\\x7F]{0,1023})?$", []), ("^([A-Za-z0-9+=,.@:/_-]{2,1224})?$", []),
        ("(?=x)", []), ("(?!x)", []), ("(?<=x)", []), ("(?<!x)", []), ("(?>a)", []), ("(?#c)", []), ("(?P=n)", []), ("(?P<n>x)", ["x"]),
        ("(?<n>x)", []), ("(?'n'x)", []), ("(?P<>x)", []), ("(?P<a-b>x)", []), ("(?P<n", []), ("(?i)abc", ["ABC", "aBc", "ab"]),
        ("(?i:a)b", ["Ab", "AB"]), ("(?i)(?-i:a)b", ["aB", "AB"]), ("(?-)", []), ("(?i-)", []), ("(?)", ["", "x"]), ("(?ims-U:x)", ["X"]),
        ("(?z)", []), ("(?i", []), ("(?m)^b$", ["a\nb\nc", "ab"]), ("(?s).", ["\n"]), ("(?U)a+", ["aa"]),
        ("\\d", ["5", "\u0665", "x"]), ("\\D", ["\u0665", "5"]), ("\\w", ["é", "_", "a"]), ("\\W", ["é"]), ("\\s", ["\v", " ", "\u00a0"]),
        ("\\pL", ["é", "1"]), ("\\PL", ["é", "1"]), ("\\p{L}", ["x"]), ("\\p{^L}", ["x", "1"]), ("\\p{Lu}", ["A", "a"]), ("\\p{Greek}", []),
        ("\\p{Foo}", []), ("\\pX", []), ("\\p{", []), ("\\p", []), ("\\p{Any}", ["x"]), ("\\pC", ["\u0378", "\u0001"]), ("\\p{Cn}", []),
        ("[[:alpha:]]", ["é", "a"]), ("[[:^alpha:]]", ["1", "a"]), ("[[:foo:]]", []), ("[[:word:]]+", ["a_1"]), ("[[:space:]]", ["\v"]),
        ("[[:punct:]]", ["!", "a"]), ("[[:alpha:]", []), ("[[:]", ["[", ":"]),
        ("\\Z", []), ("\\z", ["a"]), ("a\\z", ["a", "a\n"]), ("\\A", ["x"]), ("\\b", ["a"]), ("\\bé\\b", ["é"]), ("\\Ba", ["ba", "a"]), ("\\C", []),
        ("\\1", []), ("(a)\\1", []), ("\\8", []), ("\\12", ["\n"]), ("\\0", ["\0"]), ("\\012", ["\n"]), ("\\e", []), ("\\G", []), ("\\k<n>", []),
        ("\\x41", ["A"]), ("\\x{41}", ["A"]), ("\\x{10FFFF}", []), ("\\x{110000}", []), ("\\x{}", []), ("\\x{4", []), ("\\xZ", []), ("\\x4", []),
        ("\\x", []), ("\\Q.*\\E", [".*", "ab"]), ("\\Q.*", [".*"]), ("\\Qab\\E+", ["abb"]), ("\\_", ["_"]), ("\\é", []), ("a\\", []),
        ("\\a\\f\\t\\n\\r\\v", ["\a\f\t\n\r\v"]), ("\\-\\]\\.", ["-]."]),
        ("a**", []), ("a*+", []), ("a++", []), ("a?*", []), ("a*?", ["aa"]), ("a*??", []), ("a{2}*", []), ("a{2}?", ["aa"]), ("*", []), ("+a", []),
        ("(*)", []), ("a|*", []), ("^*", ["x"]), ("$+", ["x"]), ("()*", ["x"]), ("(?i)*", []), ("a(?i)*", ["aaa"]),
        ("[a-", []), ("[z-a]", []), ("[a-z", []), ("[]", []), ("[]a]", ["]"]), ("[^]a]", ["b", "]"]), ("[a-\\d]", []), ("[\\d-z]", ["-", "5"]),
        ("[^a]", ["\n", "a"]), ("[^\\D]", ["5", "a"]), ("[\\Da]", ["a", "b", "5"]), ("[a-c-e]", ["-", "d"]), ("[\\x00-\\x{10FFFF}]", []),
        ("(", []), (")", []), ("(a", []), ("a)", []), ("(a))", []), ("((a)", []), ("a||b", ["", "c"]), ("|", [""]), ("", [""]),
        ("a$", ["a", "a\n", "ba"]), ("^a$", ["a\n"]), ("^abc$", ["abc", "abc\n", "xabc"]), (".", ["\n", "\r", "x"]), ("a.c", ["a\nc", "abc"]),
        ("[^\\n]", ["\n"]), ("\\.", ["."]), ("a{", ["a{"]), ("a{}", ["a{}"]), ("a{x}", ["a{x}"]), ("(?i)[[:upper:]]", ["a"]), ("(?i)é", ["É"]),
        ("\\x{1F600}", ["\U0001F600"]), ("^\\d+$", ["123", "1\u0662"]),
    ];

    [Fact]
    public void The_sandbox_accepts_and_refuses_every_corpus_pattern_as_Go_does()
    {
        var go = GoRegexp.Check(Corpus);
        var differences = new List<string>();
        for (var i = 0; i < Corpus.Length; i++)
        {
            var pattern = Corpus[i].Pattern;
            var ours = Re2Parser.Check(pattern);
            if (ours != go[i].Error)
            {
                differences.Add($"{pattern}: Go {go[i].Error ?? "ok"}, sandbox {ours ?? "ok"}");
            }
        }

        Assert.True(differences.Count == 0, $"{differences.Count} of {Corpus.Length} verdicts differ:\n{string.Join('\n', differences)}");
    }

    [Fact]
    public void The_sandbox_matches_every_corpus_input_as_Go_does()
    {
        var go = GoRegexp.Check(Corpus);
        var differences = new List<string>();
        var compared = 0;
        for (var i = 0; i < Corpus.Length; i++)
        {
            var (pattern, inputs) = Corpus[i];
            if (!go[i].Ok || inputs.Length == 0)
            {
                continue;
            }

            var regex = Re2Regex.Compile(pattern);
            for (var k = 0; k < inputs.Length; k++)
            {
                compared++;
                var ours = regex.IsMatch(inputs[k]);
                if (ours != go[i].Matches![k])
                {
                    differences.Add($"{pattern} on {JsonValue.Create(inputs[k]).ToJsonString()}: Go {go[i].Matches![k]}, sandbox {(ours is { } b ? b.ToString() : "cannot tell: " + regex.Unsupported)}");
                }
            }
        }

        Assert.True(compared > 80, $"only {compared} inputs compared");
        Assert.True(differences.Count == 0, $"{differences.Count} of {compared} matches differ:\n{string.Join('\n', differences)}");
    }

    [Theory]
    [InlineData("deploy/crd/sessionloggingpolicies.sessionaudit.io.yaml")]
    [InlineData("charts/session-audit-operator/crds/sessionloggingpolicies.sessionaudit.io.yaml")]
    public void Every_pattern_of_the_checked_in_crd_compiles_in_Go_and_in_the_sandbox(string relative)
    {
        var crd = Yaml.ToJson(File.ReadAllText(Path.Combine(Root(), relative)))!;
        var patterns = new List<string>();
        Collect(crd, patterns);
        var go = GoRegexp.Check([.. patterns.Select(p => (p, Array.Empty<string>()))]);

        Assert.True(patterns.Count >= 10, $"only {patterns.Count} patterns found in {relative}");
        var refused = patterns.Zip(go).Where(x => !x.Second.Ok).Select(x => $"{x.First}: {x.Second.Error}").ToList();
        Assert.True(refused.Count == 0, $"Go's regexp refuses patterns of {relative}:\n{string.Join('\n', refused)}");
        Assert.All(patterns, p => Assert.Null(Re2Parser.Check(p)));
    }

    /// <summary>The messages a user sees name Go's error codes exactly.</summary>
    [Theory]
    [InlineData("x{0,1023}", "error parsing regexp: invalid repeat count: `{0,1023}`")]
    [InlineData("(?=x)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`")]
    [InlineData("a*+", "error parsing regexp: invalid nested repetition operator: `*+`")]
    [InlineData("\\Z", "error parsing regexp: invalid escape sequence: `\\Z`")]
    [InlineData("[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`")]
    [InlineData("(a", "error parsing regexp: missing closing ): `(a`")]
    [InlineData("[a", "error parsing regexp: missing closing ]: `[a`")]
    [InlineData("*", "error parsing regexp: missing argument to repetition operator: `*`")]
    public void Errors_carry_Gos_code_and_expression(string pattern, string expected)
    {
        Assert.Equal(expected, Re2Parser.Check(pattern));
    }

    private static void Collect(JsonNode? node, List<string> patterns)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (k == "pattern" && Json.Str(v) is { } p)
                    {
                        patterns.Add(p);
                    }
                    else
                    {
                        Collect(v, patterns);
                    }
                }

                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    Collect(v, patterns);
                }

                break;
        }
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SessionAuditOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SessionAuditOperator.sln not found");
    }
}
