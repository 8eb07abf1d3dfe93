using System.Text.RegularExpressions;

namespace SessionAudit.Sandbox.Kubernetes.Admission.Re2;

/// <summary>A schema pattern: parsed with RE2 rules, matched by the equivalent .NET regex.</summary>
internal sealed class Re2Regex
{
    private readonly Regex? _regex;

    private Re2Regex(string pattern, Regex? regex, string? unsupported)
    {
        Pattern = pattern;
        _regex = regex;
        Unsupported = unsupported;
    }

    public string Pattern { get; }

    /// <summary>What RE2 accepts but the sandbox cannot match (null when it can match the whole pattern).</summary>
    public string? Unsupported { get; }

    /// <summary>Throws <see cref="Re2SyntaxException"/> when Go's regexp would refuse the pattern.</summary>
    public static Re2Regex Compile(string pattern)
    {
        var tree = Re2Parser.Parse(pattern);
        try
        {
            // RE2 is linear-time; a backtracking .NET translation gets a timeout instead.
            return new Re2Regex(pattern, new Regex(Re2Translator.ToDotNet(tree), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), null);
        }
        catch (NotSupportedException e)
        {
            return new Re2Regex(pattern, null, e.Message);
        }
    }

    /// <summary>Whether the pattern matches somewhere in the value (Go's MatchString); null when the sandbox cannot tell.</summary>
    public bool? IsMatch(string value)
    {
        if (_regex is null)
        {
            return null;
        }

        try
        {
            return _regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
