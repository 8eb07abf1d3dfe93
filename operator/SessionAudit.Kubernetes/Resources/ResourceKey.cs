using k8s;
using k8s.Models;

namespace SessionAudit.Kubernetes.Resources;

/// <summary>Identifies one object: namespace (null when cluster-scoped) and name. Prints as "ns/name" or "name".</summary>
public readonly record struct ResourceKey(string? Namespace, string Name)
{
    /// <summary>The key of an object as its metadata names it.</summary>
    public static ResourceKey Of(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var ns = obj.Metadata?.NamespaceProperty;
        return new ResourceKey(string.IsNullOrEmpty(ns) ? null : ns, obj.Metadata?.Name ?? throw new ArgumentException("object has no name", nameof(obj)));
    }

    /// <summary>Parses "ns/name" or "name".</summary>
    public static ResourceKey Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new ResourceKey(null, text) : new ResourceKey(text[..slash], text[(slash + 1)..]);
    }

    /// <inheritdoc/>
    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
