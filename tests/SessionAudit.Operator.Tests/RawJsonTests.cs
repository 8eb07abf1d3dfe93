using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using SessionAudit.Operator.Resources;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>Cached JSON values: small ones as their text, large ones compressed; either way the same text comes back.</summary>
public sealed class RawJsonTests
{
    private static string Status(int conditions) => new JsonObject
    {
        ["observedGeneration"] = 7,
        ["conditions"] = new JsonArray([.. Enumerable.Range(0, conditions).Select(i => (JsonNode)new JsonObject
        {
            ["type"] = $"Condition{i}",
            ["status"] = i % 3 == 0 ? "False" : "True",
            ["reason"] = i % 2 == 0 ? "Synced" : "WaitingForPrerequisites",
            ["message"] = $"bucket bench-2000000000{i:D2}-us-east-1 is encrypted with aws:kms \u00e9 \"quoted\" {new string('x', i * 7)}",
            ["lastTransitionTime"] = "2026-11-26T21:00:00Z",
            ["observedGeneration"] = 7,
        })]),
        ["document"] = new JsonObject { ["name"] = "SSM-SessionManagerRunShell", ["currentVersion"] = "12", ["versionBeforePolicy"] = "" },
    }.ToJsonString();

    private static RawJson Held(string json) => RawJson.From(JsonDocument.Parse(json).RootElement)!.Value;

    [Fact]
    public void A_small_value_is_held_as_its_compact_text()
    {
        var raw = Held("""{ "region": "us-east-1",  "s3": {"bucketName": "b"} }""");

        Assert.Equal("""{"region":"us-east-1","s3":{"bucketName":"b"}}""", raw.ToString());
        Assert.Equal(raw.Utf8.Length, raw.StoredLength);
        Assert.Equal(JsonValueKind.Object, raw.ValueKind);
    }

    [Fact]
    public void A_status_with_ten_conditions_is_held_compressed_and_reads_back_byte_for_byte()
    {
        var text = Status(10);
        var raw = Held(text);

        Assert.True(Encoding.UTF8.GetByteCount(text) >= RawJson.CompressAbove);
        Assert.Equal(text, raw.ToString());
        Assert.Equal(text, Encoding.UTF8.GetString(raw.Utf8.Span));
        Assert.True(raw.StoredLength * 3 < raw.Utf8.Length, $"held {raw.StoredLength} bytes for {raw.Utf8.Length}");
        Assert.Equal(JsonValueKind.Object, raw.ValueKind);
        Assert.Equal(7, raw.ToElement().GetProperty("observedGeneration").GetInt32());
        Assert.Equal(10, raw.Deserialize<JsonObject>(JsonSerializerOptions.Default)!["conditions"]!.AsArray().Count);
    }

    [Fact]
    public void Values_of_every_size_around_the_threshold_read_back_unchanged()
    {
        var random = new Random(42);
        for (var length = RawJson.CompressAbove - 40; length < RawJson.CompressAbove + 400; length += 7)
        {
            // Incompressible text as well as repetitive text, in an array so that ValueKind is checked too.
            var chars = Enumerable.Range(0, length).Select(i => random.Next(3) == 0 ? (char)random.Next(0x20, 0x7E) : 'a');
            var text = JsonSerializer.Serialize(new[] { string.Concat(chars).Replace("\\", "/", StringComparison.Ordinal) });
            var raw = Held(text);

            Assert.Equal(text, raw.ToString());
            Assert.Equal(JsonValueKind.Array, raw.ValueKind);
            Assert.True(raw.StoredLength <= Encoding.UTF8.GetByteCount(text));
        }
    }

    [Fact]
    public void A_policy_with_a_large_status_is_written_back_exactly_as_read()
    {
        var wire = $$"""{"apiVersion":"sessionaudit.io/v1alpha1","kind":"SessionLoggingPolicy","metadata":{"name":"p"},"spec":{"region":"us-east-1"},"status":{{Status(10)}}}""";

        var resource = KubernetesJson.Deserialize<SessionLoggingPolicyResource>(wire);
        var written = KubernetesJson.Serialize(resource);

        Assert.True(resource.StatusJson!.Value.StoredLength < resource.StatusJson.Value.Utf8.Length);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(wire), JsonNode.Parse(written)), written);
        Assert.Equal(7, PolicyMapping.ReadStatus(resource)!.ObservedGeneration);
    }
}
