namespace SessionAudit.Kubernetes.Resources;

/// <summary>Names a Kubernetes resource type on the wire: API group, version, plural, kind and scope.</summary>
public sealed record ResourceDescriptor(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    /// <summary>The `apiVersion` objects of this type carry ("v1" for the core group).</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>coordination.k8s.io/v1 Lease, used by leader election.</summary>
    public static ResourceDescriptor Lease { get; } = new("coordination.k8s.io", "v1", "leases", "Lease", true);

    /// <summary>core/v1 Event, used by the event recorder.</summary>
    public static ResourceDescriptor Event { get; } = new("", "v1", "events", "Event", true);

    /// <summary>core/v1 Secret, read by <see cref="Api.KubernetesApi.ReadSecretValueAsync"/>.</summary>
    public static ResourceDescriptor Secret { get; } = new("", "v1", "secrets", "Secret", true);

    /// <summary>The collection path; across all namespaces when <paramref name="ns"/> is null.</summary>
    public string CollectionPath(string? ns = null)
    {
        var root = Group.Length == 0 ? $"api/{Version}" : $"apis/{Group}/{Version}";
        return Namespaced && ns is not null
            ? $"{root}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}"
            : $"{root}/{Plural}";
    }

    /// <summary>The path of one object.</summary>
    public string ObjectPath(ResourceKey key)
    {
        if (Namespaced && key.Namespace is null)
        {
            throw new ArgumentException($"{Kind} is namespaced; key {key} has no namespace", nameof(key));
        }

        return $"{CollectionPath(Namespaced ? key.Namespace : null)}/{Uri.EscapeDataString(key.Name)}";
    }
}
