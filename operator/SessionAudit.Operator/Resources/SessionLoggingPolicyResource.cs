using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Resources;
using DomainPolicy = SessionAudit.Policy.Model.SessionLoggingPolicy;

namespace SessionAudit.Operator.Resources;

/// <summary>
/// A SessionLoggingPolicy as the Kubernetes API serves it. Spec and status stay raw JSON here so that a spec the
/// domain cannot read is turned into a condition by the reconciler instead of breaking the informer.
/// </summary>
public sealed class SessionLoggingPolicyResource : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>How the runtime finds the resource on the wire.</summary>
    public static ResourceDescriptor Descriptor { get; } =
        new(DomainPolicy.Group, DomainPolicy.Version, DomainPolicy.Plural, DomainPolicy.KindName, Namespaced: false);

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = DomainPolicy.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = DomainPolicy.KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public JsonElement? Spec { get; set; }

    [JsonPropertyName("status")]
    public JsonElement? Status { get; set; }
}
