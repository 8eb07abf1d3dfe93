using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>
/// Namespaces as the NamespaceLifecycle admission plugin and the namespace controller treat them: new content needs
/// an existing namespace that is not terminating, and a deleted namespace takes its content with it.
/// </summary>
internal sealed class NamespaceLifecycle(ResourceRegistry registry)
{
    /// <summary>Sets metadata.namespace of an object being created, from the URL or the body, and refuses what the server refuses.</summary>
    public void Prepare(ResourceType type, string ns, JsonObject meta)
    {
        if (!type.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }

        var bodyNs = Json.Str(meta["namespace"]) ?? "";
        if (bodyNs.Length > 0 && ns.Length > 0 && bodyNs != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        ns = ns.Length > 0 ? ns : bodyNs;
        if (ns.Length == 0)
        {
            throw ApiException.BadRequest("the namespace of the object is required");
        }

        meta["namespace"] = ns;
        var namespaces = registry.Find("", "namespaces")!;
        var nsObject = namespaces.Store.Get(ns) ?? throw ApiException.NotFound("namespaces", ns, "", "namespaces");
        if (Json.At(Json.Thaw(nsObject), "metadata.deletionTimestamp") is not null)
        {
            throw new ApiException(403, "Forbidden", $"{type.GroupResource} is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        }
    }

    /// <summary>Deletes every object of a namespace that is gone.</summary>
    public void DeleteContent(ResourceService service, string ns)
    {
        foreach (var r in registry.All.Where(r => r.Type.Namespaced))
        {
            foreach (var o in r.Store.List(o => o.Namespace == ns, null, 0, ns + "/").Items)
            {
                try
                {
                    service.Delete(r, o.Namespace, o.Name, null, false);
                }
                catch (ApiException e) when (e.Code == 404)
                {
                    // deleted meanwhile
                }
            }
        }
    }
}
