using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Kubernetes.Serialization.Protobuf;

/// <summary>
/// Decodes <c>application/vnd.kubernetes.protobuf</c> request bodies of built-in kinds into the JSON the client
/// would have sent as <c>application/json</c>: the magic <c>k8s\0</c>, then a <c>runtime.Unknown</c>
/// {1: TypeMeta{1: apiVersion, 2: kind}, 2: raw object, 3: contentEncoding, 4: contentType}.
/// </summary>
internal static class KubernetesProtobuf
{
    public const string ContentType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = [(byte)'k', (byte)'8', (byte)'s', 0];

    public static bool IsProtobuf(string contentType, ReadOnlySpan<byte> body) =>
        contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) || body.StartsWith(Magic);

    /// <summary>Decodes a body; throws <see cref="ProtobufFormatException"/> for malformed bytes and <see cref="UnsupportedProtobufException"/> for kinds or fields it cannot render.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw new ProtobufFormatException("the body does not start with the protobuf magic number k8s\\0");
        }

        var reader = new WireReader(body[Magic.Length..]);
        string apiVersion = "", kind = "", encoding = "";
        ReadOnlySpan<byte> raw = default;
        while (!reader.AtEnd)
        {
            var (number, type) = reader.ReadTag();
            switch (number)
            {
                case 1 when type == WireType.LengthDelimited:
                    (apiVersion, kind) = ReadTypeMeta(reader.ReadLengthDelimited());
                    break;
                case 2 when type == WireType.LengthDelimited:
                    raw = reader.ReadLengthDelimited();
                    break;
                case 3 when type == WireType.LengthDelimited:
                    encoding = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.SkipAndTellZero(type);
                    break;
            }
        }

        if (encoding.Length > 0)
        {
            throw new UnsupportedProtobufException($"content encoding \"{encoding}\" is not supported");
        }

        var message = KubernetesProtoSchemas.For(apiVersion, kind)
            ?? throw new UnsupportedProtobufException($"the sandbox decodes protobuf only for {string.Join(", ", KubernetesProtoSchemas.Supported)}, not {apiVersion}/{kind}");
        var obj = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        ReadMessage(raw, message, obj, kind);
        return obj;
    }

    private static (string ApiVersion, string Kind) ReadTypeMeta(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes);
        string apiVersion = "", kind = "";
        while (!reader.AtEnd)
        {
            var (number, type) = reader.ReadTag();
            if (type == WireType.LengthDelimited && number is 1 or 2)
            {
                var value = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                if (number == 1)
                {
                    apiVersion = value;
                }
                else
                {
                    kind = value;
                }
            }
            else
            {
                reader.SkipAndTellZero(type);
            }
        }

        return (apiVersion, kind);
    }

    private static void ReadMessage(ReadOnlySpan<byte> bytes, ProtoMessage message, JsonObject into, string path)
    {
        var reader = new WireReader(bytes);
        while (!reader.AtEnd)
        {
            var (number, type) = reader.ReadTag();
            var field = message.Field(number);
            if (field is null)
            {
                if (!reader.SkipAndTellZero(type))
                {
                    throw new UnsupportedProtobufException($"field {number} of {message.Name} ({path}) is not supported by the sandbox's protobuf decoder; send the object as JSON instead (kubectl create -f <file>)");
                }

                continue;
            }

            ReadField(ref reader, type, field, into, $"{path}.{field.Json}");
        }

        foreach (var field in message.Fields)
        {
            if (field.NullIfAbsent && !into.ContainsKey(field.Json))
            {
                into[field.Json] = null;
            }
        }
    }

    private static void ReadField(ref WireReader reader, WireType type, ProtoField field, JsonObject into, string path)
    {
        switch (field.Kind)
        {
            case FieldKind.StringMap or FieldKind.BytesMap or FieldKind.QuantityMap:
                Expect(type, WireType.LengthDelimited, path);
                var (key, value) = ReadMapEntry(reader.ReadLengthDelimited(), field.Kind, path);
                Child(into, field.Json, () => new JsonObject())[key] = value;
                return;
            case FieldKind.Message:
                {
                    Expect(type, WireType.LengthDelimited, path);
                    var nested = new JsonObject();
                    ReadMessage(reader.ReadLengthDelimited(), field.Message!, nested, path);
                    Set(into, field, nested);
                    return;
                }

            case FieldKind.String:
                {
                    Expect(type, WireType.LengthDelimited, path);
                    var s = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    if (field.Repeated || field.Keep || s.Length > 0)
                    {
                        Set(into, field, JsonValue.Create(s));
                    }

                    return;
                }

            case FieldKind.Bytes:
                Expect(type, WireType.LengthDelimited, path);
                Set(into, field, JsonValue.Create(Convert.ToBase64String(reader.ReadLengthDelimited())));
                return;
            case FieldKind.Int32 or FieldKind.Int64:
                {
                    Expect(type, WireType.Varint, path);
                    var raw = reader.ReadVarint();
                    var n = field.Kind == FieldKind.Int32 ? unchecked((int)raw) : unchecked((long)raw);
                    if (field.Repeated || field.Keep || n != 0)
                    {
                        Set(into, field, JsonValue.Create(n));
                    }

                    return;
                }

            case FieldKind.Bool:
                {
                    Expect(type, WireType.Varint, path);
                    var b = reader.ReadVarint() != 0;
                    if (field.Keep || b)
                    {
                        Set(into, field, JsonValue.Create(b));
                    }

                    return;
                }

            case FieldKind.Time:
                Expect(type, WireType.LengthDelimited, path);
                Set(into, field, ReadTime(reader.ReadLengthDelimited()));
                return;
            case FieldKind.IntOrString:
                Expect(type, WireType.LengthDelimited, path);
                Set(into, field, ReadIntOrString(reader.ReadLengthDelimited()));
                return;
            case FieldKind.Quantity:
                Expect(type, WireType.LengthDelimited, path);
                Set(into, field, JsonValue.Create(ReadQuantity(reader.ReadLengthDelimited())));
                return;
            default:
                throw new UnsupportedProtobufException($"{path}: unsupported field kind {field.Kind}");
        }
    }

    private static void Set(JsonObject into, ProtoField field, JsonNode? value)
    {
        if (field.Repeated)
        {
            Child(into, field.Json, () => new JsonArray()).Add(value);
        }
        else
        {
            into[field.Json] = value;
        }
    }

    private static T Child<T>(JsonObject into, string name, Func<T> create)
        where T : JsonNode
    {
        if (into[name] is T existing)
        {
            return existing;
        }

        var created = create();
        into[name] = created;
        return created;
    }

    private static (string Key, JsonNode? Value) ReadMapEntry(ReadOnlySpan<byte> bytes, FieldKind kind, string path)
    {
        var reader = new WireReader(bytes);
        var key = "";
        JsonNode? value = kind == FieldKind.BytesMap || kind == FieldKind.StringMap ? JsonValue.Create("") : JsonValue.Create("0");
        while (!reader.AtEnd)
        {
            var (number, type) = reader.ReadTag();
            if (number == 1)
            {
                Expect(type, WireType.LengthDelimited, path);
                key = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
            }
            else if (number == 2)
            {
                Expect(type, WireType.LengthDelimited, path);
                var v = reader.ReadLengthDelimited();
                value = kind switch
                {
                    FieldKind.BytesMap => JsonValue.Create(Convert.ToBase64String(v)),
                    FieldKind.QuantityMap => JsonValue.Create(ReadQuantity(v)),
                    _ => JsonValue.Create(Encoding.UTF8.GetString(v)),
                };
            }
            else
            {
                reader.SkipAndTellZero(type);
            }
        }

        return (key, value);
    }

    /// <summary>metav1.Time: google.protobuf.Timestamp {1: seconds, 2: nanos}; the zero time is empty and renders as null.</summary>
    private static JsonNode? ReadTime(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes);
        long seconds = 0;
        while (!reader.AtEnd)
        {
            var (number, type) = reader.ReadTag();
            if (number == 1 && type == WireType.Varint)
            {
                seconds = unchecked((long)reader.ReadVarint());
            }
            else
            {
                reader.SkipAndTellZero(type);
            }
        }

        if (bytes.IsEmpty)
        {
            return null;
        }

        // metav1.Time marshals to JSON with second precision, RFC 3339 in UTC.
        return JsonValue.Create(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    /// <summary>intstr.IntOrString {1: type (0 int, 1 string), 2: intVal, 3: strVal}.</summary>
    private static JsonNode ReadIntOrString(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes);
        long kind = 0;
        var intVal = 0;
        var strVal = "";
        while (!reader.AtEnd)
        {
            var (number, type) = reader.ReadTag();
            switch (number)
            {
                case 1 when type == WireType.Varint:
                    kind = unchecked((long)reader.ReadVarint());
                    break;
                case 2 when type == WireType.Varint:
                    intVal = unchecked((int)reader.ReadVarint());
                    break;
                case 3 when type == WireType.LengthDelimited:
                    strVal = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.SkipAndTellZero(type);
                    break;
            }
        }

        return kind == 1 ? JsonValue.Create(strVal) : JsonValue.Create(intVal);
    }

    /// <summary>resource.Quantity {1: string}.</summary>
    private static string ReadQuantity(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes);
        var value = "0";
        while (!reader.AtEnd)
        {
            var (number, type) = reader.ReadTag();
            if (number == 1 && type == WireType.LengthDelimited)
            {
                value = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
            }
            else
            {
                reader.SkipAndTellZero(type);
            }
        }

        return value;
    }

    private static void Expect(WireType actual, WireType expected, string path)
    {
        if (actual != expected)
        {
            throw new ProtobufFormatException($"{path}: wire type {(int)actual}, expected {(int)expected}");
        }
    }
}

/// <summary>Valid protobuf the sandbox cannot turn into JSON: an unknown kind or a field it does not know that carries a value.</summary>
internal sealed class UnsupportedProtobufException(string message) : Exception(message);
