using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>Which objects a list, watch or deletecollection covers: the namespace of the URL and the label and field selectors.</summary>
internal static class ObjectFilter
{
    public static Func<StoredObject, bool> From(ResourceType type, string ns, IQueryCollection query)
    {
        var labels = LabelSelector.Parse(query["labelSelector"].ToString());
        var fields = FieldSelector.Parse(query["fieldSelector"].ToString(), type.ExtraFieldLabels);
        return o => (ns.Length == 0 || o.Namespace == ns) && (labels.IsEverything || labels.Matches(o)) && (fields.IsEverything || fields.Matches(o));
    }
}
