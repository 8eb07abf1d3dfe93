using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionAudit.Operator.Resources;

/// <summary>
/// One JSON value held as its compact UTF-8 text. A cached policy keeps spec and status this way: the bytes are about
/// half what a <see cref="JsonElement"/> costs (its own <see cref="JsonDocument"/>: a copy of the text plus a token
/// database), and they are parsed only when read (docs/PERFORMANCE.md, memory).
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly struct RawJson
{
    private readonly byte[]? utf8;

    private RawJson(byte[] utf8) => this.utf8 = utf8;

    /// <summary>The value's UTF-8 text, compact (no insignificant whitespace).</summary>
    public ReadOnlyMemory<byte> Utf8 => utf8 ?? "null"u8.ToArray();

    /// <summary>The kind of the value, read from its first byte.</summary>
    public JsonValueKind ValueKind => utf8 is not { Length: > 0 } b ? JsonValueKind.Null : b[0] switch
    {
        (byte)'{' => JsonValueKind.Object,
        (byte)'[' => JsonValueKind.Array,
        (byte)'"' => JsonValueKind.String,
        (byte)'t' => JsonValueKind.True,
        (byte)'f' => JsonValueKind.False,
        (byte)'n' => JsonValueKind.Null,
        _ => JsonValueKind.Number,
    };

    /// <summary>The value of <paramref name="element"/>, or null for none.</summary>
    public static RawJson? From(JsonElement? element)
    {
        if (element is not { } e)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            e.WriteTo(writer);
        }

        return new RawJson(buffer.WrittenSpan.ToArray());
    }

    /// <summary>A value read from <paramref name="reader"/> positioned at its first token; the text is compacted.</summary>
    public static RawJson Read(ref Utf8JsonReader reader)
    {
        // Parsing into a pooled document and writing it out compact is the one way to get a value's text that also
        // works when the reader spans several buffers (streamed input); the document goes back to the pool at once.
        using var doc = JsonDocument.ParseValue(ref reader);
        return From(doc.RootElement)!.Value;
    }

    /// <summary>A fresh element over a parsed copy of the value (each call parses; callers read it once).</summary>
    public JsonElement ToElement()
    {
        var reader = new Utf8JsonReader(Utf8.Span);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>The value deserialised as <typeparamref name="T"/>.</summary>
    public T? Deserialize<T>(JsonSerializerOptions options) => JsonSerializer.Deserialize<T>(Utf8.Span, options);

    /// <inheritdoc/>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(Utf8.Span);

    /// <summary>Reads a value as its raw text and writes that text back unchanged.</summary>
    public sealed class RawJsonConverter : JsonConverter<RawJson>
    {
        /// <inheritdoc/>
        public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => RawJson.Read(ref reader);

        /// <inheritdoc/>
        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
    }
}
