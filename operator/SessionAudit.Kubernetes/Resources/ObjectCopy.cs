using k8s;

namespace SessionAudit.Kubernetes.Resources;

/// <summary>Deep copies through the Kubernetes JSON serializer, so cached objects are never mutated in place.</summary>
public static class ObjectCopy
{
    /// <summary>A deep copy of <paramref name="value"/>.</summary>
    public static T DeepClone<T>(T value) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));
}
