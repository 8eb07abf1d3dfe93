using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Admission;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>
/// A CustomResourceDefinition on write: the validation the apiextensions server applies (group, names, scope, one
/// storage version, name = plural.group, RE2 patterns, a schema that builds), then its defaults and an accepted status.
/// </summary>
internal static class CustomResourceDefinitionStrategy
{
    public static void Apply(ResourceType type, JsonObject crd, TimeProvider time)
    {
        var name = Json.Str(Json.At(crd, "metadata.name")) ?? "";
        var spec = crd["spec"] as JsonObject;
        var names = spec?["names"] as JsonObject;
        var errors = new List<FieldError>();
        if (spec is null)
        {
            errors.Add(FieldError.Required("spec"));
        }
        else
        {
            if (Json.Str(spec["group"]) is not { Length: > 0 })
            {
                errors.Add(FieldError.Required("spec.group"));
            }

            if (names is null || Json.Str(names["plural"]) is not { Length: > 0 })
            {
                errors.Add(FieldError.Required("spec.names.plural"));
            }

            if (names is null || Json.Str(names["kind"]) is not { Length: > 0 })
            {
                errors.Add(FieldError.Required("spec.names.kind"));
            }

            if (Json.Str(spec["scope"]) is not ("Namespaced" or "Cluster"))
            {
                errors.Add(FieldError.NotSupported("spec.scope", spec["scope"], ["\"Cluster\"", "\"Namespaced\""]));
            }

            var versions = spec["versions"] as JsonArray;
            if (versions is null || versions.Count == 0)
            {
                errors.Add(FieldError.Invalid("spec.versions", null, "must have exactly one version marked as storage version"));
            }
            else if (versions.Count(v => v?["storage"]?.GetValue<bool>() == true) != 1)
            {
                errors.Add(FieldError.Invalid("spec.versions", null, "must have exactly one version marked as storage version"));
            }

            if (errors.Count == 0 && name != $"{Json.Str(names!["plural"])}.{Json.Str(spec["group"])}")
            {
                errors.Add(FieldError.Invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
            }

            errors.AddRange(CrdPatternValidation.Validate(spec));
        }

        if (errors.Count == 0)
        {
            try
            {
                _ = ResourceRegistry.FromCrd(crd);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
            {
                errors.Add(FieldError.Invalid("spec.versions", null, "invalid schema: " + e.Message));
            }
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type.Kind, type.Group, name, errors);
        }

        names!["singular"] ??= Json.Str(names["kind"])!.ToLowerInvariant();
        names["listKind"] ??= Json.Str(names["kind"]) + "List";
        spec!["conversion"] ??= new JsonObject { ["strategy"] = "None" };
        var now = Json.Str(Json.At(crd, "status.conditions")?.AsArray().FirstOrDefault()?["lastTransitionTime"]) ?? Timestamps.Now(time);
        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "NoConflicts", ["message"] = "no conflicts found" },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted" }),
            ["acceptedNames"] = names.DeepClone(),
            ["storedVersions"] = new JsonArray([.. spec["versions"]!.AsArray().Where(v => v?["storage"]?.GetValue<bool>() == true).Select(v => (JsonNode?)JsonValue.Create(Json.Str(v!["name"])))]),
        };
    }
}
