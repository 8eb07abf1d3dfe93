using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Model;

/// <summary>Checks a request (already in member-name form) against its input shape, the way AWS's front end does.</summary>
internal static class RequestValidator
{
    private static readonly ConcurrentDictionary<string, Regex?> Patterns = new(StringComparer.Ordinal);

    /// <summary>The outcome: structural problems (unknown member, wrong type) and constraint violations in Coral's wording.</summary>
    public sealed class Result
    {
        public List<string> Structural { get; } = [];
        public List<string> Constraints { get; } = [];
        public List<string> ConstraintMembers { get; } = [];
        public bool Ok => Structural.Count == 0 && Constraints.Count == 0;

        /// <summary>Coral's message: "2 validation errors detected: Value ... ; Value ...".</summary>
        public string ConstraintMessage => Constraints.Count == 1
            ? "1 validation error detected: " + Constraints[0]
            : $"{Constraints.Count} validation errors detected: " + string.Join("; ", Constraints);
    }

    public static Result Validate(Shape shape, JsonObject input, bool checkTypes)
    {
        var result = new Result();
        ValidateStructure(shape, input, "", result, checkTypes);
        return result;
    }

    /// <summary>Validates and throws the JSON-protocol error (SerializationException before ValidationException).</summary>
    public static void ValidateJson(Shape shape, JsonObject input)
    {
        var r = Validate(shape, input, checkTypes: true);
        if (r.Structural.Count > 0) throw new AwsException("SerializationException", r.Structural[0]);
        if (r.Constraints.Count > 0) throw new AwsException("ValidationException", r.ConstraintMessage);
    }

    private static void ValidateStructure(Shape shape, JsonObject obj, string path, Result r, bool checkTypes)
    {
        foreach (var (name, value) in obj)
        {
            if (!shape.Members.TryGetValue(name, out var member))
            {
                r.Structural.Add($"Unrecognized field \"{name}\" (class {shape.Name}), not marked as ignorable");
                continue;
            }

            if (value is null) continue;
            ValidateValue(member.Shape, value, Join(path, name), r, checkTypes);
        }

        foreach (var req in shape.Required)
        {
            if (obj[req] is null)
            {
                r.Constraints.Add($"Value null at '{Join(path, req)}' failed to satisfy constraint: Member must not be null");
                r.ConstraintMembers.Add(req);
            }
        }
    }

    private static string Join(string path, string name)
    {
        string camel = name.Length > 0 ? char.ToLowerInvariant(name[0]) + name[1..] : name;
        return path.Length == 0 ? camel : path + "." + camel;
    }

    private static void ValidateValue(Shape shape, JsonNode value, string path, Result r, bool checkTypes)
    {
        var kind = value.GetValueKind();
        switch (shape.Type)
        {
            case "structure":
                if (value is not JsonObject o) { TypeError(r, kind, "structure", path); return; }
                ValidateStructure(shape, o, path, r, checkTypes);
                return;
            case "list":
                if (value is not JsonArray a) { TypeError(r, kind, "list", path); return; }
                Length(shape, a.Count, value, path, r);
                for (int i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } item) ValidateValue(shape.ListMember!.Shape, item, $"{path}.{i + 1}.member", r, checkTypes);
                }

                return;
            case "map":
                if (value is not JsonObject m) { TypeError(r, kind, "map", path); return; }
                Length(shape, m.Count, value, path, r);
                foreach (var (k, v) in m)
                {
                    ValidateValue(shape.MapKey!.Shape, JsonValue.Create(k), path, r, checkTypes);
                    if (v is not null) ValidateValue(shape.MapValue!.Shape, v, $"{path}.{k}", r, checkTypes);
                }

                return;
            case "string":
                if (kind != JsonValueKind.String) { TypeError(r, kind, "String", path); return; }
                string s = value.GetValue<string>();
                if (shape.Enum is { Count: > 0 } en && !en.Contains(s))
                {
                    Violation(r, path, s, $"Member must satisfy enum value set: [{string.Join(", ", en)}]");
                }

                Length(shape, s.Length, value, path, r);
                if (shape.Pattern is { } p && Compile(p) is { } rx && !rx.IsMatch(s))
                {
                    Violation(r, path, s, $"Member must satisfy regular expression pattern: {p}");
                }

                return;
            case "boolean":
                if (kind is not (JsonValueKind.True or JsonValueKind.False)) TypeError(r, kind, "Boolean", path);
                return;
            case "integer" or "long":
                double number = kind == JsonValueKind.Number ? Numbers.ToDouble(value) : double.NaN;
                if (double.IsNaN(number) || number != Math.Floor(number))
                {
                    TypeError(r, kind, shape.Type == "long" ? "Long" : "Integer", path);
                    return;
                }

                Range(shape, number, path, r);
                return;
            case "double" or "float":
                if (kind != JsonValueKind.Number) { TypeError(r, kind, "Double", path); return; }
                Range(shape, Numbers.ToDouble(value), path, r);
                return;
            case "timestamp":
                if (kind is not (JsonValueKind.Number or JsonValueKind.String)) TypeError(r, kind, "Timestamp", path);
                return;
            case "blob":
                if (kind != JsonValueKind.String) { TypeError(r, kind, "Blob", path); return; }
                if (checkTypes)
                {
                    try { Length(shape, Convert.FromBase64String(value.GetValue<string>()).Length, value, path, r); }
                    catch (FormatException) { r.Structural.Add($"Base64 encoded value expected at '{path}'"); }
                }

                return;
        }
    }

    private static void TypeError(Result r, JsonValueKind kind, string expected, string path)
    {
        string got = kind switch
        {
            JsonValueKind.String => "STRING_VALUE",
            JsonValueKind.Number => "NUMBER_VALUE",
            JsonValueKind.True or JsonValueKind.False => "BOOLEAN_VALUE",
            JsonValueKind.Array => "START_ARRAY",
            JsonValueKind.Object => "START_OBJECT",
            _ => kind.ToString().ToUpperInvariant(),
        };
        r.Structural.Add(expected is "structure" or "map" or "list"
            ? $"Start of {(kind == JsonValueKind.Array ? "list" : "value")} found where not expected at '{path}'"
            : $"{got} can not be converted to {(expected[0] is 'I' ? "an " : "a ")}{expected} at '{path}'");
    }

    private static void Violation(Result r, string path, object? value, string constraint)
    {
        string shown = value switch
        {
            null => "null",
            string s => $"'{s}'",
            JsonNode n => $"'{n.ToJsonString()}'",
            IFormattable f => $"'{f.ToString(null, CultureInfo.InvariantCulture)}'",
            _ => $"'{value}'",
        };
        r.Constraints.Add($"Value {shown} at '{path}' failed to satisfy constraint: {constraint}");
        r.ConstraintMembers.Add(path);
    }

    private static void Length(Shape shape, int length, JsonNode value, string path, Result r)
    {
        object shown = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value;
        if (shape.Min is { } min && length < min) Violation(r, path, shown, $"Member must have length greater than or equal to {min}");
        if (shape.Max is { } max && length > max) Violation(r, path, shown, $"Member must have length less than or equal to {max}");
    }

    private static void Range(Shape shape, double v, string path, Result r)
    {
        if (shape.Min is { } min && v < min) Violation(r, path, v, $"Member must have value greater than or equal to {min}");
        if (shape.Max is { } max && v > max) Violation(r, path, v, $"Member must have value less than or equal to {max}");
    }

    /// <summary>Model patterns are Java regexes with search (not whole-string) semantics; the few .NET cannot compile are skipped.</summary>
    private static Regex? Compile(string pattern) => Patterns.GetOrAdd(pattern, p =>
    {
        try { return new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)); }
        catch (ArgumentException) { return null; }
    });
}
