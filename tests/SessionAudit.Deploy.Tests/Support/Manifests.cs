using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SessionAudit.Deploy.Tests.Support;

/// <summary>Multi-document YAML (helm and kustomize output, example files) read as JSON objects.</summary>
internal static class Manifests
{
    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents
            .Select(d => ToJson(d.RootNode))
            .OfType<JsonObject>()
            .ToList();
    }

    public static IReadOnlyList<JsonObject> ParseFile(string path) => Parse(File.ReadAllText(path));

    public static JsonObject Single(this IEnumerable<JsonObject> objects, string kind, string? name = null)
    {
        var matches = objects.Where(o => Kind(o) == kind && (name is null || Name(o) == name)).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new Xunit.Sdk.XunitException($"Expected one {kind}{(name is null ? "" : " " + name)}, found {matches.Count}: {string.Join(", ", objects.Select(o => $"{Kind(o)}/{Name(o)}"))}");
    }

    public static string? Kind(JsonObject o) => (string?)o["kind"];

    public static string? Name(JsonObject o) => (string?)o["metadata"]?["name"];

    public static string? Namespace(JsonObject o) => (string?)o["metadata"]?["namespace"];

    /// <summary>Reads a dotted path such as spec.template.spec.containers[0].image.</summary>
    public static JsonNode? At(this JsonNode node, string path)
    {
        var current = node;
        foreach (var part in path.Split('.'))
        {
            var name = part;
            int? index = null;
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                name = part[..bracket];
                index = int.Parse(part[(bracket + 1)..^1], CultureInfo.InvariantCulture);
            }

            if (name.Length > 0)
            {
                current = current?[name];
            }

            if (index is { } i)
            {
                current = current is JsonArray array && i < array.Count ? array[i] : null;
            }
        }

        return current;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    // Plain scalars follow the YAML core schema; quoted ones stay strings.
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain)
        {
            switch (text)
            {
                case "" or "~" or "null" or "Null" or "NULL":
                    return null;
                case "true" or "True" or "TRUE":
                    return JsonValue.Create(true);
                case "false" or "False" or "FALSE":
                    return JsonValue.Create(false);
            }

            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                return JsonValue.Create(integer);
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && text.Any(char.IsDigit))
            {
                return JsonValue.Create(real);
            }
        }

        return JsonValue.Create(text);
    }
}
