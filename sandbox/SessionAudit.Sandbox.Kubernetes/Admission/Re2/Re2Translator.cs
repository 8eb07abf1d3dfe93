using System.Globalization;
using System.Text;

namespace SessionAudit.Sandbox.Kubernetes.Admission.Re2;

/// <summary>
/// Writes a parsed RE2 expression as a .NET pattern (RegexOptions.None) that matches the same strings, spelling out
/// where the engines differ: RE2's $ (without m) is the end of the text (.NET's $ also matches before a final \n),
/// \d \w \s \b are ASCII-only (Unicode in .NET), . excludes only \n, [^...] includes \n, and Go's \p{C} has no Cn.
/// Groups become non-capturing: only whether a value matches is needed.
/// </summary>
internal static class Re2Translator
{
    private const string WordClass = "[0-9A-Za-z_]";

    /// <summary>The .NET pattern, or throws NotSupportedException naming what the sandbox cannot match.</summary>
    public static string ToDotNet(Re2Node node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();
    }

    /// <summary>A code point as it may stand inside a .NET character class.</summary>
    public static string ClassChar(int rune) => rune <= 0xFFFF ? Escape(rune) : char.ConvertFromUtf32(rune);

    private static void Write(Re2Node node, StringBuilder sb)
    {
        switch (node)
        {
            case Re2Literal l:
                var text = l.Rune <= 0xFFFF ? Escape(l.Rune) : string.Concat(char.ConvertFromUtf32(l.Rune).Select(c => Escape(c)));
                sb.Append(l.FoldCase ? $"(?i:{text})" : l.Rune > 0xFFFF ? $"(?:{text})" : text);
                break;
            case Re2Class c:
                var cls = Class(c);
                sb.Append(c.FoldCase ? $"(?i:{cls})" : cls);
                break;
            case Re2AnyChar a:
                sb.Append(a.MatchesNewline ? @"[\s\S]" : @"[^\n]");
                break;
            case Re2Assertion a:
                sb.Append(a.Kind switch
                {
                    Re2AssertionKind.BeginText => @"\A",
                    Re2AssertionKind.EndText => @"\z",
                    Re2AssertionKind.BeginLine => "(?m:^)",
                    Re2AssertionKind.EndLine => "(?m:$)",
                    Re2AssertionKind.WordBoundary => $"(?:(?<={WordClass})(?!{WordClass})|(?<!{WordClass})(?={WordClass}))",
                    _ => $"(?:(?<={WordClass})(?={WordClass})|(?<!{WordClass})(?!{WordClass}))",
                });
                break;
            case Re2Capture g:
                sb.Append("(?:");
                Write(g.Sub, sb);
                sb.Append(')');
                break;
            case Re2Repeat r:
                sb.Append("(?:");
                Write(r.Sub, sb);
                sb.Append(')');
                sb.Append((r.Min, r.Max) switch
                {
                    (0, -1) => "*",
                    (1, -1) => "+",
                    (0, 1) when !r.Counted => "?",
                    (var min, -1) => $"{{{min.ToString(CultureInfo.InvariantCulture)},}}",
                    (var min, var max) when min == max => $"{{{min.ToString(CultureInfo.InvariantCulture)}}}",
                    (var min, var max) => $"{{{min.ToString(CultureInfo.InvariantCulture)},{max.ToString(CultureInfo.InvariantCulture)}}}",
                });
                if (!r.Greedy)
                {
                    sb.Append('?');
                }

                break;
            case Re2Concat cat:
                foreach (var sub in cat.Subs)
                {
                    Write(sub, sb);
                }

                break;
            case Re2Alternate alt:
                sb.Append("(?:");
                for (var i = 0; i < alt.Subs.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append('|');
                    }

                    Write(alt.Subs[i], sb);
                }

                sb.Append(')');
                break;
            case Re2Empty:
                sb.Append("(?:)");
                break;
        }
    }

    /// <summary>A class is the union of its items; negated items (\D, [:^alpha:], \PL) become negated .NET classes in an alternation.</summary>
    private static string Class(Re2Class c)
    {
        if (c.Items.FirstOrDefault(i => i.Unsupported is not null) is { } unsupported)
        {
            throw new NotSupportedException(unsupported.Unsupported);
        }

        var positive = string.Concat(c.Items.Where(i => !i.Negated).Select(i => i.Body));
        var negatives = c.Items.Where(i => i.Negated).Select(i => $"[^{i.Body}]").ToList();
        if (negatives.Count == 0)
        {
            // An empty class matches nothing; [^...] over nothing matches any character.
            return c.Negated ? (positive.Length == 0 ? @"[\s\S]" : $"[^{positive}]") : (positive.Length == 0 ? "(?!)" : $"[{positive}]");
        }

        var union = string.Join('|', (positive.Length > 0 ? [$"[{positive}]"] : Array.Empty<string>()).Concat(negatives));
        return c.Negated ? $"(?:(?!{union})[\\s\\S])" : $"(?:{union})";
    }

    private static string Escape(int c) => c < 0x80 && char.IsAsciiLetterOrDigit((char)c)
        ? ((char)c).ToString()
        : "\\u" + c.ToString("X4", CultureInfo.InvariantCulture);
}
