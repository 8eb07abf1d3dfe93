using System.Globalization;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Kubernetes.Tables;

/// <summary>The JSONPath subset printer columns use: .a.b, [n], [*], ['key'] and [?(@.field=="value")].</summary>
internal static class JsonPathLite
{
    public static List<JsonNode?> Evaluate(JsonNode? root, string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}'))
        {
            p = p[1..^1];
        }

        if (p.StartsWith('$'))
        {
            p = p[1..];
        }

        var current = new List<JsonNode?> { root };
        var i = 0;
        while (i < p.Length && current.Count > 0)
        {
            if (p[i] == '.')
            {
                i++;
                var start = i;
                while (i < p.Length && p[i] != '.' && p[i] != '[')
                {
                    i++;
                }

                var field = p[start..i];
                if (field.Length == 0)
                {
                    continue;
                }

                current = [.. current.Select(n => n is JsonObject o ? o[field] : null).Where(n => n is not null)];
            }
            else if (p[i] == '[')
            {
                var end = FindClose(p, i);
                var inner = p[(i + 1)..end].Trim();
                i = end + 1;
                current = Index(current, inner);
            }
            else
            {
                var start = i;
                while (i < p.Length && p[i] != '.' && p[i] != '[')
                {
                    i++;
                }

                var field = p[start..i];
                current = [.. current.Select(n => n is JsonObject o ? o[field] : null).Where(n => n is not null)];
            }
        }

        return current;
    }

    private static int FindClose(string p, int open)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = open; i < p.Length; i++)
        {
            var c = p[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && --depth == 0)
            {
                return i;
            }
        }

        return p.Length - 1;
    }

    private static List<JsonNode?> Index(List<JsonNode?> nodes, string inner)
    {
        var result = new List<JsonNode?>();
        foreach (var n in nodes)
        {
            if (inner == "*")
            {
                if (n is JsonArray a)
                {
                    result.AddRange(a);
                }
                else if (n is JsonObject o)
                {
                    result.AddRange(o.Select(kv => kv.Value));
                }
            }
            else if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
            {
                var cond = inner[2..^1].Trim();
                if (n is JsonArray a)
                {
                    result.AddRange(a.Where(item => Filter(item, cond)));
                }
            }
            else if (inner.Length > 1 && (inner[0] is '\'' or '"'))
            {
                if (n is JsonObject o && o[inner[1..^1]] is { } v)
                {
                    result.Add(v);
                }
            }
            else if (int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var idx) && n is JsonArray arr)
            {
                if (idx < 0)
                {
                    idx += arr.Count;
                }

                if (idx >= 0 && idx < arr.Count)
                {
                    result.Add(arr[idx]);
                }
            }
        }

        return result;
    }

    private static bool Filter(JsonNode? item, string cond)
    {
        var op = cond.Contains("!=", StringComparison.Ordinal) ? "!=" : "==";
        var at = cond.IndexOf(op, StringComparison.Ordinal);
        if (at < 0)
        {
            var only = Evaluate(item, cond.TrimStart('@'));
            return only.Count > 0;
        }

        var left = cond[..at].Trim();
        var right = cond[(at + 2)..].Trim().Trim('"', '\'');
        var values = Evaluate(item, left.TrimStart('@'));
        var equal = values.Count > 0 && Text(values[0]) == right;
        return op == "==" ? equal : !equal;
    }

    public static string Text(JsonNode? n) => n switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => n.ToJsonString(),
    };
}
