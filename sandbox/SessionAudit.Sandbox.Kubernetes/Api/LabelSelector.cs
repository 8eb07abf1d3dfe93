using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>A parsed labelSelector query (equality- and set-based requirements).</summary>
internal sealed class LabelSelector
{
    private readonly List<Func<StoredObject, bool>> _requirements = [];

    public static readonly LabelSelector Everything = new();

    public bool IsEverything => _requirements.Count == 0;

    public bool Matches(StoredObject o)
    {
        foreach (var r in _requirements)
        {
            if (!r(o))
            {
                return false;
            }
        }

        return true;
    }

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in SplitTopLevel(text))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var inIdx = IndexOfWord(part, " in ");
            var notInIdx = IndexOfWord(part, " notin ");
            if (notInIdx > 0)
            {
                var key = part[..notInIdx].Trim();
                var values = SetValues(part[(notInIdx + 7)..]);
                selector._requirements.Add(o => o.Label(key) is not { } v || !values.Contains(v));
            }
            else if (inIdx > 0)
            {
                var key = part[..inIdx].Trim();
                var values = SetValues(part[(inIdx + 4)..]);
                selector._requirements.Add(o => o.Label(key) is { } v && values.Contains(v));
            }
            else if (part.Contains("!=", StringComparison.Ordinal))
            {
                var (k, v) = Split(part, "!=");
                selector._requirements.Add(o => o.Label(k) != v);
            }
            else if (part.Contains("==", StringComparison.Ordinal))
            {
                var (k, v) = Split(part, "==");
                selector._requirements.Add(o => o.Label(k) == v);
            }
            else if (part.Contains('=', StringComparison.Ordinal))
            {
                var (k, v) = Split(part, "=");
                selector._requirements.Add(o => o.Label(k) == v);
            }
            else if (part.StartsWith('!'))
            {
                var key = part[1..].Trim();
                selector._requirements.Add(o => o.Label(key) is null);
            }
            else if (part.Contains('>', StringComparison.Ordinal) || part.Contains('<', StringComparison.Ordinal))
            {
                var gt = part.Contains('>', StringComparison.Ordinal);
                var (k, v) = Split(part, gt ? ">" : "<");
                if (!long.TryParse(v, out var bound))
                {
                    throw ApiException.BadRequest($"unable to parse requirement: invalid label selector \"{text}\"");
                }

                selector._requirements.Add(o => o.Label(k) is { } lv && long.TryParse(lv, out var n) && (gt ? n > bound : n < bound));
            }
            else
            {
                var key = part;
                selector._requirements.Add(o => o.Label(key) is not null);
            }
        }

        return selector;
    }

    private static int IndexOfWord(string s, string word) => s.IndexOf(word, StringComparison.Ordinal);

    private static HashSet<string> SetValues(string s)
    {
        s = s.Trim();
        if (!s.StartsWith('(') || !s.EndsWith(')'))
        {
            throw ApiException.BadRequest($"unable to parse requirement: found '{s}', expected: '('");
        }

        return [.. s[1..^1].Split(',').Select(v => v.Trim())];
    }

    private static (string Key, string Value) Split(string part, string op)
    {
        var i = part.IndexOf(op, StringComparison.Ordinal);
        return (part[..i].Trim(), part[(i + op.Length)..].Trim());
    }

    /// <summary>Splits on commas outside parentheses.</summary>
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }
}
