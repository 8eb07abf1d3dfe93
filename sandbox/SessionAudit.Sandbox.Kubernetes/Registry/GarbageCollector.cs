using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>Background cascading deletion: when an owner goes, objects whose ownerReferences name it are deleted.</summary>
/// <remarks>Only uids ever named as owners trigger a scan, so deleting the many objects nobody owns stays cheap.</remarks>
internal sealed class GarbageCollector
{
    private readonly ConcurrentDictionary<string, byte> _owners = new(StringComparer.Ordinal);

    public void Note(JsonObject obj)
    {
        if (Json.At(obj, "metadata.ownerReferences") is JsonArray refs)
        {
            foreach (var r in refs)
            {
                if (Json.Str(r?["uid"]) is { Length: > 0 } uid)
                {
                    _owners.TryAdd(uid, 0);
                }
            }
        }
    }

    public void Collect(ResourceService service, string ownerUid)
    {
        if (ownerUid.Length == 0 || !_owners.TryRemove(ownerUid, out _))
        {
            return;
        }

        foreach (var r in service.Registry.All)
        {
            foreach (var o in r.Store.Snapshot())
            {
                if (Array.IndexOf(o.OwnerUids, ownerUid) < 0)
                {
                    continue;
                }

                try
                {
                    service.Delete(r, o.Namespace, o.Name, null, false);
                }
                catch (ApiException e) when (e.Code == 404)
                {
                    // gone meanwhile
                }
            }
        }
    }
}
