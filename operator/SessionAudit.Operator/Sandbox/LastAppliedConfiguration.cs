using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SessionAudit.Operator.Sandbox;

/// <summary>The <c>kubectl.kubernetes.io/last-applied-configuration</c> annotation as client-side <c>kubectl apply</c>
/// writes it, so a user's first <c>kubectl apply -f</c> of an example the sandbox created finds it and merges instead of
/// warning: the manifest, with an annotations map and without that annotation, as Go's <c>encoding/json</c> encodes it (keys sorted, compact,
/// <c>&lt; &gt; &amp;</c> and U+2028/U+2029 escaped, other characters as they are) and a trailing newline.</summary>
internal static class LastAppliedConfiguration
{
    public const string Annotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The manifest with the annotation added (a copy; <paramref name="manifest"/> is not changed).</summary>
    public static JsonObject Annotate(JsonObject manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var copy = (JsonObject)manifest.DeepClone();
        if (copy["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            copy["metadata"] = metadata;
        }

        if (metadata["annotations"] is not JsonObject annotations)
        {
            annotations = [];
            metadata["annotations"] = annotations;
        }

        // kubectl encodes the object with an annotations map (empty when the manifest has none; measured with kubectl
        // 1.32) and without an earlier value of this annotation.
        annotations.Remove(Annotation);
        var text = new StringBuilder();
        Write(text, copy);
        text.Append('\n');
        annotations[Annotation] = text.ToString();
        return copy;
    }

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                // Go sorts a map's keys by their bytes: ordinal over UTF-16 agrees for the ASCII keys of a manifest.
                foreach (var (key, child) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(first ? "" : ",");
                    first = false;
                    WriteString(text, key);
                    text.Append(':');
                    Write(text, child);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    text.Append(i == 0 ? "" : ",");
                    Write(text, array[i]);
                }

                text.Append(']');
                break;
            default:
                var value = node.AsValue();
                switch (node.GetValueKind())
                {
                    case JsonValueKind.String:
                        WriteString(text, value.GetValue<string>());
                        break;
                    case JsonValueKind.Number when value.TryGetValue<long>(out var l):
                        text.Append(l.ToString(CultureInfo.InvariantCulture));
                        break;
                    case JsonValueKind.Number when value.TryGetValue<double>(out var d):
                        // Go's shortest round-trip form; the exponent forms of very large or small numbers differ, and
                        // no manifest here has them.
                        text.Append(d.ToString("R", CultureInfo.InvariantCulture));
                        break;
                    default:
                        text.Append(node.ToJsonString());
                        break;
                }

                break;
        }
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }
}
