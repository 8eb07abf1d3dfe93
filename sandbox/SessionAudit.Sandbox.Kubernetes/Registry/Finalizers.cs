using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>metadata.finalizers: read them, and refuse new ones on an object that is being deleted.</summary>
internal static class Finalizers
{
    public static List<string> Of(JsonObject obj) =>
        Json.At(obj, "metadata.finalizers") is JsonArray a ? [.. a.Select(f => f?.GetValue<string>() ?? "")] : [];

    public static void RefuseNewWhileDeleting(JsonObject old, JsonObject next, ResourceType type)
    {
        if (Json.At(old, "metadata.deletionTimestamp") is null)
        {
            return;
        }

        var before = Of(old);
        var added = Of(next).Where(f => !before.Contains(f)).ToList();
        if (added.Count > 0)
        {
            throw ApiException.Invalid(type.Kind, type.Group, Json.Str(Json.At(old, "metadata.name")) ?? "",
                [FieldError.Forbidden("metadata.finalizers", $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(a => "\"" + a + "\""))}}}")]);
        }
    }
}
