using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Admission.Re2;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Admission;

/// <summary>One node of a structural schema, with the constraints apiextensions enforces.</summary>
internal sealed class SchemaNode
{
    public string? Type { get; private init; }

    public Dictionary<string, SchemaNode>? Properties { get; private init; }

    public SchemaNode? Items { get; private init; }

    public SchemaNode? AdditionalProperties { get; private init; }

    public bool AdditionalPropertiesAllowed { get; private init; }

    public string[] Required { get; private init; } = [];

    public JsonNode?[]? Enum { get; private init; }

    /// <summary>The pattern with RE2 semantics (a CRD whose pattern Go refuses is refused before this is compiled).</summary>
    public Re2Regex? Pattern { get; private init; }

    public string? PatternText { get; private init; }

    public double? Minimum { get; private init; }

    public double? Maximum { get; private init; }

    public bool ExclusiveMinimum { get; private init; }

    public bool ExclusiveMaximum { get; private init; }

    public long? MinLength { get; private init; }

    public long? MaxLength { get; private init; }

    public long? MinItems { get; private init; }

    public long? MaxItems { get; private init; }

    public long? MinProperties { get; private init; }

    public long? MaxProperties { get; private init; }

    public string? Format { get; private init; }

    public JsonNode? Default { get; private init; }

    public bool Nullable { get; private init; }

    public bool PreserveUnknownFields { get; private init; }

    public bool IntOrString { get; private init; }

    public bool EmbeddedResource { get; private init; }

    public string? ListType { get; private init; }

    public string[] ListMapKeys { get; private init; } = [];

    public IReadOnlyList<ValidationRule> Rules { get; private init; } = [];

    /// <summary>allOf/anyOf/oneOf/not branches: value validation only (no structure).</summary>
    public SchemaNode[] AllOf { get; private init; } = [];

    public SchemaNode[] AnyOf { get; private init; } = [];

    public SchemaNode[] OneOf { get; private init; } = [];

    public SchemaNode? Not { get; private init; }

    public static SchemaNode Compile(JsonObject s)
    {
        Dictionary<string, SchemaNode>? props = null;
        if (s["properties"] is JsonObject p)
        {
            props = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
            foreach (var (k, v) in p)
            {
                if (v is JsonObject vo)
                {
                    props[k] = Compile(vo);
                }
            }
        }

        var pattern = Json.Str(s["pattern"]);
        return new SchemaNode
        {
            Type = Json.Str(s["type"]),
            Properties = props,
            Items = s["items"] as JsonObject is { } items ? Compile(items) : null,
            AdditionalProperties = s["additionalProperties"] as JsonObject is { } ap ? Compile(ap) : null,
            AdditionalPropertiesAllowed = s["additionalProperties"] is JsonObject || (s["additionalProperties"] is JsonValue apv && apv.GetValueKind() == JsonValueKind.True),
            Required = s["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToArray() ?? [],
            Enum = s["enum"]?.AsArray().Select(e => e?.DeepClone()).ToArray(),
            Pattern = pattern is null ? null : Re2Regex.Compile(pattern),
            PatternText = pattern,
            Minimum = Number(s["minimum"]),
            Maximum = Number(s["maximum"]),
            ExclusiveMinimum = s["exclusiveMinimum"]?.GetValueKind() == JsonValueKind.True,
            ExclusiveMaximum = s["exclusiveMaximum"]?.GetValueKind() == JsonValueKind.True,
            MinLength = Long(s["minLength"]),
            MaxLength = Long(s["maxLength"]),
            MinItems = Long(s["minItems"]),
            MaxItems = Long(s["maxItems"]),
            MinProperties = Long(s["minProperties"]),
            MaxProperties = Long(s["maxProperties"]),
            Format = Json.Str(s["format"]),
            Default = s["default"]?.DeepClone(),
            Nullable = s["nullable"]?.GetValueKind() == JsonValueKind.True,
            PreserveUnknownFields = s["x-kubernetes-preserve-unknown-fields"]?.GetValueKind() == JsonValueKind.True,
            IntOrString = s["x-kubernetes-int-or-string"]?.GetValueKind() == JsonValueKind.True,
            EmbeddedResource = s["x-kubernetes-embedded-resource"]?.GetValueKind() == JsonValueKind.True,
            ListType = Json.Str(s["x-kubernetes-list-type"]),
            ListMapKeys = s["x-kubernetes-list-map-keys"]?.AsArray().Select(r => r!.GetValue<string>()).ToArray() ?? [],
            Rules = s["x-kubernetes-validations"]?.AsArray().OfType<JsonObject>().Select(ValidationRule.From).ToArray() ?? [],
            AllOf = Branches(s["allOf"]),
            AnyOf = Branches(s["anyOf"]),
            OneOf = Branches(s["oneOf"]),
            Not = s["not"] as JsonObject is { } not ? Compile(not) : null,
        };
    }

    public SchemaNode? Child(string property) =>
        Properties is not null && Properties.TryGetValue(property, out var c) ? c : AdditionalProperties;

    private static SchemaNode[] Branches(JsonNode? n) => n is JsonArray a ? [.. a.OfType<JsonObject>().Select(Compile)] : [];

    private static double? Number(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static long? Long(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (long)v.GetValue<double>() : null;
}

/// <summary>An x-kubernetes-validations entry.</summary>
internal sealed record ValidationRule(string Rule, string? Message, string? MessageExpression, string? FieldPath, string? Reason)
{
    public static ValidationRule From(JsonObject o) => new(
        Json.Str(o["rule"]) ?? "true",
        Json.Str(o["message"]),
        Json.Str(o["messageExpression"]),
        Json.Str(o["fieldPath"]),
        Json.Str(o["reason"]));
}
