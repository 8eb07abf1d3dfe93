namespace SessionAudit.Sandbox.Kubernetes.Serialization.Protobuf;

/// <summary>Reads the protobuf wire format field by field: varints, fixed 32/64-bit values and length-delimited bytes.</summary>
internal ref struct WireReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field's number and wire type.</summary>
    public (int Number, WireType Type) ReadTag()
    {
        var tag = ReadVarint();
        var number = tag >> 3;
        if (number is 0 or > int.MaxValue)
        {
            throw new ProtobufFormatException($"invalid field number {number}");
        }

        return ((int)number, (WireType)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new ProtobufFormatException("truncated varint");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new ProtobufFormatException("varint longer than 10 bytes");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new ProtobufFormatException("length-delimited field runs past the end of its message");
        }

        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public ulong ReadFixed(int size)
    {
        if (_data.Length - _position < size)
        {
            throw new ProtobufFormatException("truncated fixed-size field");
        }

        ulong value = 0;
        for (var i = size - 1; i >= 0; i--)
        {
            value = (value << 8) | _data[_position + i];
        }

        _position += size;
        return value;
    }

    /// <summary>Reads a field's value whatever its wire type, and tells whether it holds only zero values (Go encodes unset non-pointer fields so).</summary>
    public bool SkipAndTellZero(WireType type) => type switch
    {
        WireType.Varint => ReadVarint() == 0,
        WireType.Fixed64 => ReadFixed(8) == 0,
        WireType.Fixed32 => ReadFixed(4) == 0,
        WireType.LengthDelimited => IsZeroMessage(ReadLengthDelimited()),
        _ => throw new ProtobufFormatException($"unsupported wire type {(int)type}"),
    };

    /// <summary>True for empty bytes and for messages whose every field is zero or empty, recursively.</summary>
    public static bool IsZeroMessage(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return true;
        }

        try
        {
            var inner = new WireReader(bytes);
            while (!inner.AtEnd)
            {
                var (_, type) = inner.ReadTag();
                if (!inner.SkipAndTellZero(type))
                {
                    return false;
                }
            }

            return true;
        }
        catch (ProtobufFormatException)
        {
            // not a message at all: a non-empty string or bytes value
            return false;
        }
    }
}

/// <summary>The protobuf wire types.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>The bytes are not valid protobuf.</summary>
internal sealed class ProtobufFormatException(string message) : Exception(message);
