namespace SessionAudit.Sandbox.Aws.Model;

/// <summary>One shape of a botocore service model, resolved so that validation and (de)serialisation walk objects, not JSON.</summary>
internal sealed class Shape
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public Dictionary<string, Member> Members { get; } = new(StringComparer.Ordinal);
    public List<string> Required { get; } = [];
    public Member? ListMember { get; set; }
    public Member? MapKey { get; set; }
    public Member? MapValue { get; set; }
    public double? Min { get; set; }
    public double? Max { get; set; }
    public string? Pattern { get; set; }
    public HashSet<string>? Enum { get; set; }
    public bool Flattened { get; set; }
    public string? LocationName { get; set; }
    public string? TimestampFormat { get; set; }
    public string? Payload { get; set; }
    public bool IsException { get; set; }

    /// <summary>The wire code of an error shape (query services rename some, e.g. NotFoundException is "NotFound").</summary>
    public string? ErrorCode { get; set; }
    public int? ErrorStatus { get; set; }
    public bool SenderFault { get; set; } = true;

    public bool IsScalar => Type is not ("structure" or "list" or "map");

    public override string ToString() => $"{Name}:{Type}";
}

/// <summary>A member of a structure shape, with its wire placement.</summary>
internal sealed class Member
{
    public required string Name { get; init; }
    public required Shape Shape { get; set; }
    public string? Location { get; init; }
    public string? LocationName { get; init; }

    /// <summary>The EC2 protocol's request name of the member, when the model gives one.</summary>
    public string? QueryName { get; init; }
    public bool Flattened { get; init; }
    public bool XmlAttribute { get; init; }
    public bool IdempotencyToken { get; init; }

    public string WireName => LocationName ?? Name;

    /// <summary>The EC2 protocol's request name: queryName, else locationName with a capital first letter, else the
    /// member name (botocore serialize.py, EC2Serializer._get_serialized_name).</summary>
    public string Ec2Name => QueryName ?? (LocationName is { Length: > 0 } l ? char.ToUpperInvariant(l[0]) + l[1..] : Name);
}

/// <summary>One operation of a service model.</summary>
internal sealed class Operation
{
    public required string Name { get; init; }
    public required string HttpMethod { get; init; }
    public required string RequestUri { get; init; }
    public Shape? Input { get; init; }
    public Shape? Output { get; init; }
    public string? ResultWrapper { get; init; }
    public int ResponseCode { get; init; } = 200;
    public bool Unsigned { get; init; }
}
