using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Serialization;

/// <summary>JSON helpers shared by the sandbox: compact output, stored-object conversion, deep equality.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static byte[] Bytes(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Options);

    public static JsonObject Parse(byte[] utf8) => JsonNode.Parse(utf8)!.AsObject();

    public static JsonObject Thaw(StoredObject o) => Parse(o.Json);

    /// <summary>Sets the resourceVersion and serializes the object for storage.</summary>
    public static StoredObject Freeze(JsonObject obj, long resourceVersion)
    {
        var meta = Metadata(obj);
        meta["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var labels = meta["labels"] is JsonObject l
            ? l.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value?.GetValue<string>() ?? "")).ToArray()
            : [];
        return new StoredObject(
            Str(meta["namespace"]) ?? "",
            Str(meta["name"]) ?? "",
            Str(meta["uid"]) ?? "",
            resourceVersion,
            Bytes(obj),
            labels,
            meta["ownerReferences"] is JsonArray owners ? [.. owners.Select(o => Str(o?["uid"]) ?? "")] : []);
    }

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m)
        {
            return m;
        }

        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }

    public static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool DeepEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    public static JsonNode? Clone(JsonNode? n) => n?.DeepClone();

    /// <summary>Walks a dotted path of object fields.</summary>
    public static JsonNode? At(JsonNode? node, string dottedPath)
    {
        foreach (var part in dottedPath.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The JSON kind of a node: object, array, string, number, boolean or null.</summary>
    public static JsonValueKind KindOf(JsonNode? n) => n?.GetValueKind() ?? JsonValueKind.Null;
}
