using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>
/// What an update may change, as the generic strategies decide: a write to /status changes only status, a write to
/// the object keeps status (when status is a subresource) and system metadata, and a spec change bumps generation.
/// </summary>
internal static class UpdateStrategy
{
    /// <summary>Writes to /status keep everything but status from the stored object.</summary>
    public static JsonObject ForStatus(JsonObject old, JsonObject proposed)
    {
        var next = old.DeepClone().AsObject();
        next.Remove("status");
        if (proposed["status"] is { } status)
        {
            next["status"] = status.DeepClone();
        }

        return next;
    }

    /// <summary>Writes to the main endpoint keep status (when it is a subresource) and system metadata; spec changes bump generation.</summary>
    public static JsonObject ForObject(ResourceType type, ResourceVersionDef version, JsonObject old, JsonObject proposed)
    {
        var next = proposed;
        var oldMeta = Json.Metadata(old);
        var meta = Json.Metadata(next);
        foreach (var f in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name", "generation" })
        {
            meta.Remove(f);
            if (oldMeta[f] is { } v)
            {
                meta[f] = v.DeepClone();
            }
        }

        if (meta["managedFields"] is null && oldMeta["managedFields"] is { } mf)
        {
            meta["managedFields"] = mf.DeepClone();
        }

        if (version.StatusSubresource)
        {
            next.Remove("status");
            if (old["status"] is { } s)
            {
                next["status"] = s.DeepClone();
            }
        }

        if (type.HasGeneration && SpecChanged(type, version, old, next))
        {
            meta["generation"] = (oldMeta["generation"]?.GetValue<long>() ?? 0) + 1;
        }

        return next;
    }

    private static bool SpecChanged(ResourceType type, ResourceVersionDef version, JsonObject old, JsonObject next)
    {
        var keys = old.Select(kv => kv.Key).Union(next.Select(kv => kv.Key));
        foreach (var k in keys)
        {
            if (k is "metadata" or "apiVersion" or "kind" || (k == "status" && (version.StatusSubresource || !type.IsCustom)))
            {
                continue;
            }

            if (!Json.DeepEquals(old[k], next[k]))
            {
                return true;
            }
        }

        return false;
    }
}
