using System.Text;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Serialization.Protobuf;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Protobuf;

/// <summary>The protobuf decoder turns bodies captured from kubectl and helm into the JSON those clients send otherwise.</summary>
public sealed class ProtobufDecoderTests
{
    private static readonly string Captured = Path.Combine(AppContext.BaseDirectory, "Protobuf", "Captured");

    public static TheoryData<string> KubectlBodies() =>
    [
        "namespace", "configmap", "configmap-binary", "configmap-env", "secret", "secret-typed", "secret-docker",
        "serviceaccount", "role", "rolebinding", "clusterrole", "clusterrole-nonres", "clusterrole-agg",
        "clusterrolebinding", "service", "service-nodeport", "service-headless", "service-external",
        "deployment", "deployment-multi",
    ];

    [Theory]
    [MemberData(nameof(KubectlBodies))]
    public void KubectlCreateBodyDecodesToTheJsonKubectlPrintsForTheSameCommand(string name)
    {
        var body = File.ReadAllBytes(Path.Combine(Captured, name + ".bin"));
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Captured, name + ".json")));

        var decoded = KubernetesProtobuf.Decode(body);

        Assert.True(JsonNode.DeepEquals(expected, decoded), $"expected\n{expected?.ToJsonString()}\nbut decoded\n{decoded.ToJsonString()}");
    }

    [Fact]
    public void BinaryConfigMapDataBecomesBase64AndTextStaysText()
    {
        var decoded = KubernetesProtobuf.Decode(File.ReadAllBytes(Path.Combine(Captured, "configmap-binary.bin")));

        Assert.Equal("AAH/", decoded["binaryData"]!["bin.dat"]!.GetValue<string>());
        Assert.Equal("hello\n", decoded["data"]!["text.txt"]!.GetValue<string>());
    }

    [Fact]
    public void HelmReleaseSecretKeepsLabelsTypeAndReleaseData()
    {
        var decoded = KubernetesProtobuf.Decode(File.ReadAllBytes(Path.Combine(Captured, "helm-release-secret.bin")));

        Assert.Equal("Secret", decoded["kind"]!.GetValue<string>());
        Assert.Equal("helm.sh/release.v1", decoded["type"]!.GetValue<string>());
        Assert.Equal("sh.helm.release.v1.demo.v1", decoded["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("helm", decoded["metadata"]!["labels"]!["owner"]!.GetValue<string>());
        var release = Convert.FromBase64String(decoded["data"]!["release"]!.GetValue<string>());
        Assert.True(release.Length > 1000, $"release payload of {release.Length} bytes");
    }

    [Fact]
    public void UnknownKindIsUnsupported()
    {
        var body = Envelope("v1", "Pod", []);

        var e = Assert.Throws<UnsupportedProtobufException>(() => KubernetesProtobuf.Decode(body));

        Assert.Contains("v1/Pod", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFieldWithAValueIsUnsupportedButZeroValuedUnknownFieldsAreIgnored()
    {
        // ConfigMap {1: metadata {1: "x"}, 9: "surprise"} and the same with field 9 empty
        byte[] withValue = [0x0a, 0x03, 0x0a, 0x01, (byte)'x', 0x4a, 0x02, (byte)'h', (byte)'i'];
        byte[] withZero = [0x0a, 0x03, 0x0a, 0x01, (byte)'x', 0x4a, 0x00, 0x50, 0x00];

        var e = Assert.Throws<UnsupportedProtobufException>(() => KubernetesProtobuf.Decode(Envelope("v1", "ConfigMap", withValue)));
        var decoded = KubernetesProtobuf.Decode(Envelope("v1", "ConfigMap", withZero));

        Assert.Contains("field 9 of ConfigMap", e.Message, StringComparison.Ordinal);
        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x"}}""", decoded.ToJsonString());
    }

    [Fact]
    public void TruncatedBodyIsAFormatError()
    {
        var body = File.ReadAllBytes(Path.Combine(Captured, "configmap.bin"));

        Assert.Throws<ProtobufFormatException>(() => KubernetesProtobuf.Decode(body.AsSpan(0, body.Length - 10)));
    }

    [Fact]
    public void DeleteOptionsOfAnyGroupVersionDecode()
    {
        // DeleteOptions {2: preconditions {2: "7"}, 4: "Foreground"}
        byte[] raw = [0x12, 0x03, 0x12, 0x01, (byte)'7', 0x22, 0x0a, .. "Foreground"u8];

        var decoded = KubernetesProtobuf.Decode(Envelope("apps/v1", "DeleteOptions", raw));

        Assert.Equal("7", decoded["preconditions"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("Foreground", decoded["propagationPolicy"]!.GetValue<string>());
    }

    /// <summary>Wraps an object's protobuf bytes in the k8s\0 + runtime.Unknown envelope.</summary>
    internal static byte[] Envelope(string apiVersion, string kind, byte[] raw)
    {
        var typeMeta = Concat(Field(1, Encoding.UTF8.GetBytes(apiVersion)), Field(2, Encoding.UTF8.GetBytes(kind)));
        return Concat("k8s\0"u8.ToArray(), Field(1, typeMeta), Field(2, raw));
    }

    private static byte[] Field(int number, byte[] value)
    {
        var bytes = new List<byte> { (byte)((number << 3) | 2) };
        var length = (uint)value.Length;
        while (length >= 0x80)
        {
            bytes.Add((byte)(length | 0x80));
            length >>= 7;
        }

        bytes.Add((byte)length);
        bytes.AddRange(value);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
