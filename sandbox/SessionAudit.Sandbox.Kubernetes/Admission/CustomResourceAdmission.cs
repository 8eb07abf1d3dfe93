using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Admission;

/// <summary>What the apiextensions server does to a custom resource before storing it: prune, default, validate.</summary>
internal static class CustomResourceAdmission
{
    public static void Admit(ResourceType type, ResourceVersionDef version, JsonObject obj, JsonObject? old, bool strict)
    {
        if (version.Schema is not { } schema)
        {
            return;
        }

        var name = Json.Str(Json.At(obj, "metadata.name")) ?? "";
        var unknown = new List<string>();
        SchemaWalker.Prune(schema.Root, obj, "", unknown, isRoot: true);
        if (strict && unknown.Count > 0)
        {
            throw ApiException.BadRequest(
                $"{type.Kind} in version \"{version.Name}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""))}");
        }

        SchemaWalker.ApplyDefaults(schema.Root, obj);
        var errors = new List<FieldError>();
        SchemaWalker.Validate(schema.Root, obj, old, "", errors, isRoot: true);
        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type.Kind, type.Group, name, errors);
        }
    }
}
