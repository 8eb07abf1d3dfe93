using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Events;

/// <summary>An EventBridge event pattern: exact values, prefix, suffix, equals-ignore-case, wildcard, anything-but, exists, numeric and $or.</summary>
internal sealed class EventPattern
{
    private readonly JsonObject root;

    private EventPattern(JsonObject root) => this.root = root;

    public static EventPattern Parse(string json)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException e) { throw Invalid($"Event pattern is not valid JSON: {e.Message}"); }
        if (node is not JsonObject o) throw Invalid("Event pattern must be a JSON object.");
        CheckObject(o, "");
        return new EventPattern(o);
    }

    public bool Matches(JsonNode? evt) => MatchObject(root, evt as JsonObject);

    private static AwsException Invalid(string reason) => new("InvalidEventPatternException", "Event pattern is not valid. Reason: " + reason);

    private static void CheckObject(JsonObject o, string path)
    {
        if (o.Count == 0) throw Invalid($"Empty objects are not allowed at \"{path}\".");
        foreach (var (key, value) in o)
        {
            string p = path.Length == 0 ? key : path + "." + key;
            if (key == "$or")
            {
                if (value is not JsonArray alts || alts.Count < 2 || alts.Any(a => a is not JsonObject)) throw Invalid("\"$or\" must be an array of at least two objects.");
                foreach (var a in alts) CheckObject((JsonObject)a!, path);
                continue;
            }

            switch (value)
            {
                case JsonObject child: CheckObject(child, p); break;
                case JsonArray arr:
                    if (arr.Count == 0) throw Invalid($"Empty arrays are not allowed at \"{p}\".");
                    foreach (var m in arr) CheckMatcher(m, p);
                    break;
                default: throw Invalid($"\"{p}\" must be an object or an array");
            }
        }
    }

    private static void CheckMatcher(JsonNode? m, string path)
    {
        if (m is not JsonObject o) return;
        if (o.Count != 1) throw Invalid($"Only one key allowed in match expression at \"{path}\".");
        var (op, arg) = o.First();
        switch (op)
        {
            case "prefix" or "suffix":
                if (arg is JsonObject ic && ic.Count == 1 && ic["equals-ignore-case"] is JsonValue icv && icv.GetValueKind() == JsonValueKind.String) return;
                if (arg is not JsonValue v || v.GetValueKind() != JsonValueKind.String) throw Invalid($"{op} match pattern must be a string at \"{path}\".");
                return;
            case "equals-ignore-case" or "wildcard":
                if (arg is not JsonValue s || s.GetValueKind() != JsonValueKind.String) throw Invalid($"{op} match pattern must be a string at \"{path}\".");
                return;
            case "exists":
                if (arg?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) throw Invalid($"exists match pattern must be either true or false at \"{path}\".");
                return;
            case "anything-but":
                switch (arg)
                {
                    case JsonArray a when a.Count > 0 && a.All(x => x is JsonValue): return;
                    case JsonValue: return;
                    case JsonObject ao when ao.Count == 1 && ao.First().Key is "prefix" or "suffix" or "equals-ignore-case" or "wildcard": return;
                    default: throw Invalid($"Value of anything-but must be an array or single string/number value at \"{path}\".");
                }

            case "numeric":
                if (arg is not JsonArray n || n.Count is not (2 or 4)) throw Invalid($"Value of numeric must be an array of one or two comparisons at \"{path}\".");
                for (int i = 0; i < n.Count; i += 2)
                {
                    if (n[i]?.GetValueKind() != JsonValueKind.String || n[i]!.GetValue<string>() is not ("<" or "<=" or "=" or ">" or ">=")) throw Invalid($"Unrecognized numeric range operator at \"{path}\".");
                    if (n[i + 1]?.GetValueKind() != JsonValueKind.Number) throw Invalid($"Value of {n[i]} must be numeric at \"{path}\".");
                }

                return;
            default:
                throw Invalid($"Unrecognized match type {op} at \"{path}\".");
        }
    }

    private static bool MatchObject(JsonObject pattern, JsonObject? evt)
    {
        foreach (var (key, p) in pattern)
        {
            if (key == "$or")
            {
                if (!((JsonArray)p!).Any(alt => MatchObject((JsonObject)alt!, evt))) return false;
                continue;
            }

            JsonNode? value = evt?[key];
            bool ok = p switch
            {
                JsonObject child => MatchObject(child, value as JsonObject),
                JsonArray matchers => MatchField(matchers, value, evt is not null && evt.ContainsKey(key)),
                _ => false,
            };
            if (!ok) return false;
        }

        return true;
    }

    private static bool MatchField(JsonArray matchers, JsonNode? value, bool present)
    {
        var leaves = value is JsonArray arr ? arr.ToList() : [value];
        foreach (var m in matchers)
        {
            if (m is JsonObject o && o.First() is { Key: "exists" } ex)
            {
                bool want = ex.Value!.GetValue<bool>();
                bool isLeaf = present && value is not JsonObject;
                if (want == isLeaf) return true;
                continue;
            }

            if (!present) continue;
            if (leaves.Any(l => MatchOne(m, l))) return true;
        }

        return false;
    }

    private static bool MatchOne(JsonNode? matcher, JsonNode? value)
    {
        if (matcher is not JsonObject o) return ScalarEquals(matcher, value);
        var (op, arg) = o.First();
        string? s = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        switch (op)
        {
            case "prefix":
                return s is not null && (arg is JsonObject ic
                    ? s.StartsWith(ic["equals-ignore-case"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase)
                    : s.StartsWith(arg!.GetValue<string>(), StringComparison.Ordinal));
            case "suffix":
                return s is not null && (arg is JsonObject ic2
                    ? s.EndsWith(ic2["equals-ignore-case"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase)
                    : s.EndsWith(arg!.GetValue<string>(), StringComparison.Ordinal));
            case "equals-ignore-case":
                return s is not null && string.Equals(s, arg!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
            case "wildcard":
                return s is not null && Wildcard(arg!.GetValue<string>()).IsMatch(s);
            case "anything-but":
                return arg switch
                {
                    JsonArray a => !a.Any(x => ScalarEquals(x, value)),
                    JsonObject inner => !MatchOne(inner, value),
                    _ => !ScalarEquals(arg, value),
                };
            case "numeric":
                if (value is not JsonValue nv || nv.GetValueKind() != JsonValueKind.Number) return false;
                double d = Numbers.ToDouble(nv);
                var n = (JsonArray)arg!;
                for (int i = 0; i < n.Count; i += 2)
                {
                    double bound = Numbers.ToDouble(n[i + 1]!);
                    bool ok = n[i]!.GetValue<string>() switch
                    {
                        "<" => d < bound,
                        "<=" => d <= bound,
                        "=" => d == bound,
                        ">" => d > bound,
                        _ => d >= bound,
                    };
                    if (!ok) return false;
                }

                return true;
            default:
                return false;
        }
    }

    private static bool ScalarEquals(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null) return a is null && b is null;
        var ka = a.GetValueKind();
        var kb = b.GetValueKind();
        if (ka == JsonValueKind.Number && kb == JsonValueKind.Number) return Numbers.ToDouble(a) == Numbers.ToDouble(b);
        if (ka != kb) return false;
        return ka switch
        {
            JsonValueKind.String => a.GetValue<string>() == b.GetValue<string>(),
            JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => true,
            _ => false,
        };
    }

    private static Regex Wildcard(string pattern) =>
        new("^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
}
