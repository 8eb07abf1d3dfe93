using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Resources;
using DomainPolicy = SessionAudit.Policy.Model.SessionLoggingPolicy;

namespace SessionAudit.Operator.Resources;

/// <summary>
/// A SessionLoggingPolicy as the Kubernetes API serves it. Spec and status stay raw JSON here so that a spec the
/// domain cannot read is turned into a condition by the reconciler instead of breaking the informer; they are held as
/// compact UTF-8 (<see cref="RawJson"/>), the smallest form of thousands of cached objects.
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

    /// <summary>The spec as it is held and sent: compact UTF-8.</summary>
    [JsonPropertyName("spec")]
    public RawJson? SpecJson { get; set; }

    /// <summary>The status as it is held and sent: compact UTF-8.</summary>
    [JsonPropertyName("status")]
    public RawJson? StatusJson { get; set; }

    /// <summary>The spec as a JSON element, parsed on each read (prefer <see cref="SpecJson"/> on hot paths).</summary>
    [JsonIgnore]
    public JsonElement? Spec
    {
        get => SpecJson?.ToElement();
        set => SpecJson = RawJson.From(value);
    }

    /// <summary>The status as a JSON element, parsed on each read (prefer <see cref="StatusJson"/> on hot paths).</summary>
    [JsonIgnore]
    public JsonElement? Status
    {
        get => StatusJson?.ToElement();
        set => StatusJson = RawJson.From(value);
    }
}
