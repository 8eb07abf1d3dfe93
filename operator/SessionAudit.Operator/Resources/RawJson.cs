using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionAudit.Operator.Resources;

/// <summary>
/// One JSON value held as its compact UTF-8 text. A cached policy keeps spec and status this way: the bytes are about
/// half what a <see cref="JsonElement"/> costs (its own <see cref="JsonDocument"/>: a copy of the text plus a token
/// database), and they are parsed only when read (docs/PERFORMANCE.md, memory). A value of
/// <see cref="CompressAbove"/> bytes or more (a status with its conditions) is kept Brotli-compressed: its text repeats
/// itself (field names, timestamps, reasons), and the cache of 10,000 policies was 40 % status text.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly struct RawJson
{
    /// <summary>Values this long or longer are compressed.</summary>
    public const int CompressAbove = 1024;

    // Compressed form: a marker no JSON text starts with, the text's first byte (for ValueKind), its length, then the
    // Brotli stream.
    private const byte Compressed = 0xFF;
    private const int HeaderLength = 6;

    private readonly byte[]? data;

    private RawJson(byte[] data) => this.data = data;

    /// <summary>The value's UTF-8 text, compact (no insignificant whitespace); a compressed value is expanded on each call.</summary>
    public ReadOnlyMemory<byte> Utf8 => data switch
    {
        null => "null"u8.ToArray(),
        [Compressed, ..] => Expand(data),
        _ => data,
    };

    /// <summary>Bytes held (compressed or not).</summary>
    public int StoredLength => data?.Length ?? 0;

    /// <summary>The kind of the value, read from its first byte.</summary>
    public JsonValueKind ValueKind => data is not { Length: > 0 } b ? JsonValueKind.Null : (b[0] == Compressed ? b[1] : b[0]) switch
    {
        (byte)'{' => JsonValueKind.Object,
        (byte)'[' => JsonValueKind.Array,
        (byte)'"' => JsonValueKind.String,
        (byte)'t' => JsonValueKind.True,
        (byte)'f' => JsonValueKind.False,
        (byte)'n' => JsonValueKind.Null,
        _ => JsonValueKind.Number,
    };

    private static RawJson Of(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length < CompressAbove)
        {
            return new RawJson(utf8.ToArray());
        }

        var buffer = new byte[HeaderLength + BrotliEncoder.GetMaxCompressedLength(utf8.Length)];
        // Quality 4, window 2^16: a few tens of microseconds for a status, most of the gain of higher settings.
        if (!BrotliEncoder.TryCompress(utf8, buffer.AsSpan(HeaderLength), out var written, quality: 4, window: 16)
            || HeaderLength + written >= utf8.Length)
        {
            return new RawJson(utf8.ToArray());
        }

        buffer[0] = Compressed;
        buffer[1] = utf8[0];
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(2), utf8.Length);
        return new RawJson(buffer.AsSpan(0, HeaderLength + written).ToArray());
    }

    private static byte[] Expand(byte[] data)
    {
        var text = new byte[BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(2))];
        if (!BrotliDecoder.TryDecompress(data.AsSpan(HeaderLength), text, out var written) || written != text.Length)
        {
            throw new InvalidDataException("a compressed JSON value of the cache does not expand to its recorded length");
        }

        return text;
    }

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

        return Of(buffer.WrittenSpan);
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
