using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.Model;

namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>The awsJson1.1 protocol (and the JSON bodies of rest-json): request parsing, model-driven output, error shape.</summary>
internal static class JsonWire
{
    public static JsonObject ParseBody(byte[] body)
    {
        if (body.Length == 0) return [];
        JsonNode? node;
        try { node = JsonNode.Parse(body); }
        catch (JsonException e) { throw new AwsException("SerializationException", "Malformed JSON: " + e.Message); }
        return node as JsonObject ?? throw new AwsException("SerializationException", "Start of list found where not expected");
    }

    public static byte[] Write(Shape? shape, JsonObject? output)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            if (shape is null || output is null) { w.WriteStartObject(); w.WriteEndObject(); }
            else
            {
                WriteValue(w, shape, output);
            }
        }

        return ms.ToArray();
    }

    /// <summary>Writes only the members a shape declares, converting timestamps per the JSON protocol (epoch seconds).</summary>
    public static void WriteValue(Utf8JsonWriter w, Shape shape, JsonNode node)
    {
        switch (shape.Type)
        {
            case "structure" when node is JsonObject o:
                w.WriteStartObject();
                foreach (var (name, value) in o)
                {
                    if (value is null) continue;
                    if (!shape.Members.TryGetValue(name, out var m))
                    {
                        throw new InvalidOperationException($"sandbox bug: output member {shape.Name}.{name} is not in the model");
                    }

                    if (m.Location is not null) continue;
                    w.WritePropertyName(m.LocationName ?? name);
                    WriteValue(w, m.Shape, value);
                }

                w.WriteEndObject();
                return;
            case "list" when node is JsonArray a:
                w.WriteStartArray();
                foreach (var item in a)
                {
                    if (item is null) w.WriteNullValue();
                    else WriteValue(w, shape.ListMember!.Shape, item);
                }

                w.WriteEndArray();
                return;
            case "map" when node is JsonObject mo:
                w.WriteStartObject();
                foreach (var (k, v) in mo)
                {
                    w.WritePropertyName(k);
                    if (v is null) w.WriteNullValue();
                    else WriteValue(w, shape.MapValue!.Shape, v);
                }

                w.WriteEndObject();
                return;
            case "timestamp":
                var d = Timestamps.Read(node) ?? throw new InvalidOperationException($"sandbox bug: bad timestamp {node}");
                if (shape.TimestampFormat == "iso8601") w.WriteStringValue(Timestamps.Iso(d));
                else w.WriteNumberValue(Timestamps.Epoch(d));
                return;
            default:
                node.WriteTo(w);
                return;
        }
    }

    public static WireResponse Error(ServiceModel? service, AwsException e, string requestId, bool restJson)
    {
        Shape? errorShape = null;
        service?.ErrorsByShapeName.TryGetValue(e.Code, out errorShape);
        int status = e.Status != 400 ? e.Status : errorShape?.ErrorStatus ?? 400;
        string messageKey = errorShape?.Members.ContainsKey("Message") == true ? "Message" : "message";
        var body = new JsonObject { ["__type"] = e.Code, [messageKey] = e.Message };
        if (restJson) body["Type"] = status >= 500 ? "Service" : "User";
        return new WireResponse(status, restJson ? "application/json" : "application/x-amz-json-1.1", Encoding.UTF8.GetBytes(body.ToJsonString()))
        {
            Headers = { new("x-amzn-ErrorType", e.Code), new("x-amzn-RequestId", requestId) },
            ErrorCode = e.Code,
        };
    }
}
