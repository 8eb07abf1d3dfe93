using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>apiVersion and kind of a written body: refused when they name another resource, otherwise set and put first.</summary>
internal static class TypeMeta
{
    public static void Check(ResourceType type, ResourceVersionDef version, JsonObject body)
    {
        var expected = type.ApiVersion(version.Name);
        if (Json.Str(body["apiVersion"]) is { } av && av != expected && !type.Versions.Any(v => type.ApiVersion(v.Name) == av))
        {
            throw ApiException.BadRequest($"the API version in the data ({av}) does not match the expected API version ({expected})");
        }

        if (Json.Str(body["kind"]) is { } kind && kind != type.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        body.Remove("apiVersion");
        body.Remove("kind");
        var rest = body.ToList();
        body.Clear();
        body["apiVersion"] = expected;
        body["kind"] = type.Kind;
        foreach (var (k, v) in rest)
        {
            body[k] = v;
        }
    }
}
