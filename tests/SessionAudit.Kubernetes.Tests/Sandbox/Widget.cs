using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>A test custom resource shaped like the operator's: spec, status with observedGeneration and conditions.</summary>
public sealed class Widget : IKubernetesObject<V1ObjectMeta>, ISpec<WidgetSpec>, IStatus<WidgetStatus>
{
    public static readonly ResourceDescriptor Descriptor = new("test.sessionaudit.io", "v1", "widgets", "Widget", Namespaced: true);

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "test.sessionaudit.io/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Widget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public WidgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public WidgetStatus Status { get; set; } = null!;

    public static Widget New(string ns, string name, int size) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new WidgetSpec { Size = size },
    };
}

public sealed class WidgetSpec
{
    [JsonPropertyName("size")]
    public int Size { get; set; }
}

public sealed class WidgetStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("observedSize")]
    public int? ObservedSize { get; set; }

    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }
}
