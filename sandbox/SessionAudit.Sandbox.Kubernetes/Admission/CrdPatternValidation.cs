using System.Globalization;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Admission.Re2;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Admission;

/// <summary>
/// What kube-apiserver checks of every schema pattern when a CRD is created or updated: it must compile with
/// Go's regexp (apiextensions-apiserver pkg/apiserver/schema/validation.go, validateValueValidation:
/// field.Invalid(fldPath.Child("pattern"), pattern, "must be a valid regular expression, but isn't: " + err)).
/// </summary>
internal static class CrdPatternValidation
{
    public static IEnumerable<FieldError> Validate(JsonObject spec)
    {
        var versions = spec["versions"] as JsonArray ?? [];
        var schemas = versions.Select(v => Json.At(v as JsonObject ?? [], "schema.openAPIV3Schema") as JsonObject).ToList();

        // The v1 → internal conversion hoists per-version schemas that are all identical to spec.validation
        // (apiextensions v1 conversion.go), so a single-version CRD's errors name spec.validation.openAPIV3Schema.
        if (schemas.Count > 0 && schemas[0] is { } first && schemas.All(s => JsonNode.DeepEquals(s, first)))
        {
            return Walk(first, "spec.validation.openAPIV3Schema");
        }

        return schemas.SelectMany((s, i) => s is null ? [] : Walk(s, $"spec.versions[{i.ToString(CultureInfo.InvariantCulture)}].schema.openAPIV3Schema"));
    }

    private static IEnumerable<FieldError> Walk(JsonObject schema, string path)
    {
        if (Json.Str(schema["pattern"]) is { Length: > 0 } pattern && Re2Parser.Check(pattern) is { } error)
        {
            yield return FieldError.Invalid(path + ".pattern", JsonValue.Create(pattern), $"must be a valid regular expression, but isn't: {error}");
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (key, value) in properties)
            {
                if (value is JsonObject child)
                {
                    foreach (var e in Walk(child, $"{path}.properties[{key}]"))
                    {
                        yield return e;
                    }
                }
            }
        }

        foreach (var single in new[] { "items", "additionalProperties", "not" })
        {
            if (schema[single] is JsonObject child)
            {
                foreach (var e in Walk(child, $"{path}.{single}"))
                {
                    yield return e;
                }
            }
        }

        foreach (var list in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (schema[list] is JsonArray branches)
            {
                for (var i = 0; i < branches.Count; i++)
                {
                    if (branches[i] is JsonObject child)
                    {
                        foreach (var e in Walk(child, $"{path}.{list}[{i.ToString(CultureInfo.InvariantCulture)}]"))
                        {
                            yield return e;
                        }
                    }
                }
            }
        }
    }
}
