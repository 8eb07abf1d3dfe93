using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>A parsed fieldSelector query; only labels the resource supports are accepted, as the real server does.</summary>
internal sealed class FieldSelector
{
    private readonly List<(string Field, string Value, bool Equal)> _terms = [];

    public static readonly FieldSelector Everything = new();

    /// <summary>The metadata.name the selector pins, if any (kubectl wait and informers of one object).</summary>
    public string? Name => _terms.FirstOrDefault(t => t.Field == "metadata.name" && t.Equal).Value;

    public string? Namespace => _terms.FirstOrDefault(t => t.Field == "metadata.namespace" && t.Equal).Value;

    public static FieldSelector Parse(string? text, IReadOnlyList<string> extraLabels)
    {
        var selector = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            string field, value;
            bool equal;
            int i;
            if ((i = part.IndexOf("!=", StringComparison.Ordinal)) > 0)
            {
                (field, value, equal) = (part[..i], part[(i + 2)..], false);
            }
            else if ((i = part.IndexOf("==", StringComparison.Ordinal)) > 0)
            {
                (field, value, equal) = (part[..i], part[(i + 2)..], true);
            }
            else if ((i = part.IndexOf('=', StringComparison.Ordinal)) > 0)
            {
                (field, value, equal) = (part[..i], part[(i + 1)..], true);
            }
            else
            {
                throw ApiException.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
            }

            field = field.Trim();
            if (field != "metadata.name" && field != "metadata.namespace" && !extraLabels.Contains(field))
            {
                throw ApiException.BadRequest($"field label not supported: {field}");
            }

            selector._terms.Add((field, value.Trim(), equal));
        }

        return selector;
    }

    public bool IsEverything => _terms.Count == 0;

    public bool Matches(StoredObject o)
    {
        JsonObject? parsed = null;
        foreach (var (field, value, equal) in _terms)
        {
            string actual;
            switch (field)
            {
                case "metadata.name":
                    actual = o.Name;
                    break;
                case "metadata.namespace":
                    actual = o.Namespace;
                    break;
                default:
                    parsed ??= Json.Thaw(o);
                    var node = Json.At(parsed, field);
                    if (field == "source" && node is JsonObject src)
                    {
                        node = src["component"];
                    }

                    actual = node switch
                    {
                        null => "",
                        JsonValue v when v.TryGetValue<string>(out var s) => s,
                        _ => node.ToJsonString(),
                    };
                    break;
            }

            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
