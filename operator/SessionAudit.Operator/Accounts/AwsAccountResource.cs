using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Accounts;

/// <summary>An AwsAccount as the Kubernetes API serves it; the spec stays raw JSON so that one the domain cannot read
/// becomes a condition on the policies naming it, never a broken informer.</summary>
public sealed class AwsAccountResource : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>How the runtime finds the resource on the wire.</summary>
    public static ResourceDescriptor Descriptor { get; } =
        new(SessionLoggingPolicy.Group, SessionLoggingPolicy.Version, AwsAccount.Plural, AwsAccount.KindName, Namespaced: false);

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = SessionLoggingPolicy.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = AwsAccount.KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The spec as it is held: compact UTF-8.</summary>
    [JsonPropertyName("spec")]
    public RawJson? SpecJson { get; set; }

    /// <summary>The domain view, or why the spec cannot be read.</summary>
    public bool TryToDomain(out AwsAccount? account, out string? error)
    {
        account = null;
        error = null;
        if (SpecJson is not { ValueKind: JsonValueKind.Object } spec)
        {
            error = "spec is missing or is not an object";
            return false;
        }

        try
        {
            account = new AwsAccount(Metadata.Name, spec.Deserialize<AwsAccountSpec>(PolicyJson.Options) ?? new AwsAccountSpec());
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            error = e is JsonException { Path: { } path } ? $"spec{path.TrimStart('$')}: {e.Message}" : e.Message;
            return false;
        }
    }
}
