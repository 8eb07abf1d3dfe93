using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Resources;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>The Status errors the registry answers about one object of a resource: not found, conflict, already exists.</summary>
internal static class ObjectErrors
{
    public static ApiException NotFound(ResourceType t, string name) => ApiException.NotFound(t.GroupResource, name, t.Group, t.Plural);

    public static ApiException Conflict(ResourceType t, string name, string? why = null) =>
        why is null ? ApiException.Conflict(t.GroupResource, name, t.Group, t.Plural) : ApiException.Conflict(t.GroupResource, name, t.Group, t.Plural, why);

    public static ApiException AlreadyExists(ResourceType t, string name) => ApiException.AlreadyExists(t.GroupResource, name, t.Group, t.Plural);
}
