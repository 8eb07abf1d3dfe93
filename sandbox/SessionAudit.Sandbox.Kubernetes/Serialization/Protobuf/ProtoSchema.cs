namespace SessionAudit.Sandbox.Kubernetes.Serialization.Protobuf;

/// <summary>How a protobuf field turns into JSON.</summary>
internal enum FieldKind
{
    String,
    Bytes,
    Int32,
    Int64,
    Bool,
    Message,
    Time,
    IntOrString,
    Quantity,
    StringMap,
    BytesMap,
    QuantityMap,
}

/// <summary>One field of a message: its number in generated.proto, its JSON name and kind.</summary>
/// <param name="Keep">
/// Emit the value even when it is zero. Go's protobuf encoder writes every non-pointer field, zero or not,
/// and encoding/json then drops zeros of <c>omitempty</c> fields; pointer fields and fields without
/// <c>omitempty</c> keep their zero, so they are marked here to produce the JSON kubectl would have sent.
/// </param>
/// <param name="NullIfAbsent">A list without <c>omitempty</c>: encoding/json writes a nil slice as null.</param>
internal sealed record ProtoField(int Number, string Json, FieldKind Kind, bool Repeated = false, bool Keep = false, ProtoMessage? Message = null, bool NullIfAbsent = false);

/// <summary>A message of k8s.io/api or apimachinery generated.proto, reduced to the fields the sandbox decodes.</summary>
internal sealed class ProtoMessage
{
    private readonly Dictionary<int, ProtoField> _fields;

    public ProtoMessage(string name, params ProtoField[] fields)
    {
        Name = name;
        _fields = fields.ToDictionary(f => f.Number);
    }

    public string Name { get; }

    public ProtoField? Field(int number) => _fields.GetValueOrDefault(number);

    public IEnumerable<ProtoField> Fields => _fields.Values;
}
