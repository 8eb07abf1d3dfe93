using System.Text.Json.Nodes;
using k8s;
using SessionAudit.Operator.Resources;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>A policy read from the API and written back keeps spec and status exactly, although the cache holds them as raw bytes.</summary>
public sealed class ResourceWireTests
{
    private const string Wire = """
        {"apiVersion":"sessionaudit.io/v1alpha1","kind":"SessionLoggingPolicy",
         "metadata":{"name":"p","uid":"u-1","generation":3,"resourceVersion":"42","finalizers":["sessionaudit.io/cleanup"]},
         "spec":{"region":"us-east-1","s3":{"bucketName":"b1","encryptionRequired":true},"session":{"idleTimeoutMinutes":20}},
         "status":{"observedGeneration":3,"conditions":[{"type":"Ready","status":"True","reason":"Synced","message":"ok \u00e9","lastTransitionTime":"2026-11-01T12:00:00Z","observedGeneration":3}]}}
        """;

    [Fact]
    public void Spec_and_status_survive_a_read_and_a_write_unchanged()
    {
        var resource = KubernetesJson.Deserialize<SessionLoggingPolicyResource>(Wire);
        var written = JsonNode.Parse(KubernetesJson.Serialize(resource))!;
        var original = JsonNode.Parse(Wire)!;

        Assert.True(JsonNode.DeepEquals(original["spec"], written["spec"]), written["spec"]?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(original["status"], written["status"]), written["status"]?.ToJsonString());
        Assert.Equal("p", written["metadata"]!["name"]!.GetValue<string>());
        // Only the wire names: the element views are not serialised a second time.
        Assert.Equal(["apiVersion", "kind", "metadata", "spec", "status"], written.AsObject().Select(kv => kv.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_null_or_missing_spec_reads_as_none_and_maps_to_an_error()
    {
        var resource = KubernetesJson.Deserialize<SessionLoggingPolicyResource>("""{"apiVersion":"sessionaudit.io/v1alpha1","kind":"SessionLoggingPolicy","metadata":{"name":"p"},"spec":null}""");

        Assert.Null(resource.SpecJson);
        Assert.Null(resource.StatusJson);
        Assert.False(PolicyMapping.TryToDomain(resource, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void A_status_written_by_the_reconciler_reads_back_through_the_domain()
    {
        var resource = KubernetesJson.Deserialize<SessionLoggingPolicyResource>(Wire);
        var status = PolicyMapping.ReadStatus(resource)! with { ObservedGeneration = 4 };

        resource.Status = PolicyMapping.WriteStatus(status);

        Assert.Equal(4, PolicyMapping.ReadStatus(resource)!.ObservedGeneration);
        Assert.Equal("ok \u00e9", PolicyMapping.ReadStatus(resource)!.Conditions![0].Message);
    }
}
