using System.Text.RegularExpressions;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>
/// The decoding rule of apimachinery's metav1.MicroTime: <c>time.Parse(RFC3339Micro, s)</c> with the layout
/// <c>2006-01-02T15:04:05.000000Z07:00</c>, whose fixed six zeros demand exactly six fraction digits.
/// </summary>
internal static partial class MicroTime
{
    private const string Layout = "2006-01-02T15:04:05.000000Z07:00";

    /// <summary>Go's parse error for <paramref name="value"/>, or null when it decodes.</summary>
    public static string? ParseError(string value)
    {
        if (Valid().IsMatch(value))
        {
            return null;
        }

        // Go names the rest of the value where the layout stopped matching and the layout element it expected.
        var head = Head().Match(value);
        if (!head.Success)
        {
            return $"parsing time \"{value}\" as \"{Layout}\": cannot parse \"{value}\" as \"2006\"";
        }

        var rest = value[head.Length..];
        var fraction = Fraction().Match(rest);
        return fraction.Success
            ? $"parsing time \"{value}\" as \"{Layout}\": cannot parse \"{rest[fraction.Length..]}\" as \"Z07:00\""
            : $"parsing time \"{value}\" as \"{Layout}\": cannot parse \"{rest}\" as \".000000\"";
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Valid();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", RegexOptions.CultureInvariant)]
    private static partial Regex Head();

    [GeneratedRegex(@"^\.\d{6}", RegexOptions.CultureInvariant)]
    private static partial Regex Fraction();
}
