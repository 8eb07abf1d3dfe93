using System.Text.Json.Nodes;
using SessionAudit.Operator.Sandbox;
using SessionAudit.Policy.Model;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>The sandbox writes the last-applied-configuration annotation byte for byte as kubectl 1.32's client-side apply
/// does (the expected text is what kubectl wrote for the same manifest), so a later `kubectl apply` of it changes nothing.</summary>
public sealed class LastAppliedConfigurationTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: esc
          namespace: default
          labels: {b: x}
        data:
          z: "<&> \u00e9 \u2028 \t q\"uote"
          a: "1.50"
        """;

    [Fact]
    public void Keys_are_sorted_html_characters_and_line_separators_escaped_and_an_empty_annotations_map_kept()
    {
        var annotated = LastAppliedConfiguration.Annotate(PolicyManifest.ReadDocuments(Manifest).Single());

        var value = annotated["metadata"]!["annotations"]![LastAppliedConfiguration.Annotation]!.GetValue<string>();
        Assert.Equal(
            """{"apiVersion":"v1","data":{"a":"1.50","z":"\u003c\u0026\u003e é \u2028 \t q\"uote"},"kind":"ConfigMap","metadata":{"annotations":{},"labels":{"b":"x"},"name":"esc","namespace":"default"}}""" + "\n",
            value);
    }

    [Fact]
    public void An_earlier_value_is_replaced_and_other_annotations_are_kept()
    {
        var manifest = JsonNode.Parse("""{"kind":"K","metadata":{"name":"n","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"old","x":"1"}},"n":2}""")!.AsObject();

        var annotated = LastAppliedConfiguration.Annotate(manifest);

        Assert.Equal(
            """{"kind":"K","metadata":{"annotations":{"x":"1"},"name":"n"},"n":2}""" + "\n",
            annotated["metadata"]!["annotations"]![LastAppliedConfiguration.Annotation]!.GetValue<string>());
        Assert.Equal("1", annotated["metadata"]!["annotations"]!["x"]!.GetValue<string>());
        Assert.Equal("old", manifest["metadata"]!["annotations"]![LastAppliedConfiguration.Annotation]!.GetValue<string>());
    }
}
