using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Patching;

/// <summary>Server-side apply (application/apply-patch+yaml).</summary>
internal static class ServerSideApply
{
    public static StoredObject Apply(ResourceService service, ServedResource r, ResourceVersionDef version, string ns, string name, string subresource, JsonObject config, WriteOptions options)
    {
        return service.Mutate(r, version, ns, name, subresource, null, options,
            cur => (MergePatch.Apply(cur, config) as JsonObject)!,
            _ => service.Create(r, version, ns, config, options));
    }
}
