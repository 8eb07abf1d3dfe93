using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>
/// A cluster-scoped test kind shaped like the operator's AwsAccount: Widgets name one by their label "gadget"; a Widget
/// without the label uses the Gadget marked default.
/// </summary>
public sealed class Gadget : IKubernetesObject<V1ObjectMeta>, ISpec<GadgetSpec>
{
    public const string RefLabel = "gadget";

    public static readonly ResourceDescriptor Descriptor = new("test.sessionaudit.io", "v1", "gadgets", "Gadget", Namespaced: false);

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "test.sessionaudit.io/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Gadget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public GadgetSpec Spec { get; set; } = new();

    public static Gadget New(string name, bool isDefault, string? region = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new GadgetSpec { Default = isDefault, Region = region ?? "eu-west-1" },
    };

    /// <summary>The map of the watch: the Widgets naming <paramref name="gadget"/>, and those naming none when it is the default.</summary>
    public static IEnumerable<ResourceKey> WidgetsUsing(Gadget gadget, IResourceCache<Widget> widgets) =>
        widgets.List()
            .Where(w => w.Metadata.Labels?.TryGetValue(RefLabel, out var r) == true
                ? r == gadget.Metadata.Name
                : gadget.Spec.Default)
            .Select(ResourceKey.Of);
}

public sealed class GadgetSpec
{
    [JsonPropertyName("default")]
    public bool Default { get; set; }

    [JsonPropertyName("region")]
    public string Region { get; set; } = "";
}
