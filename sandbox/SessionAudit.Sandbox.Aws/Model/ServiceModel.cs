using System.Text.Json;

namespace SessionAudit.Sandbox.Aws.Model;

/// <summary>A botocore service model (service-2.json) parsed once into resolved shapes and operations.</summary>
internal sealed class ServiceModel
{
    public required string Name { get; init; }
    public required string SigningName { get; init; }
    public required string EndpointPrefix { get; init; }
    public required string Protocol { get; init; }
    public string? TargetPrefix { get; init; }
    public string? XmlNamespace { get; init; }
    public required string ApiVersion { get; init; }
    public Dictionary<string, Operation> Operations { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Shape> Shapes { get; } = new(StringComparer.Ordinal);

    /// <summary>Maps the wire code of an error to its shape name and back (query services differ).</summary>
    public Dictionary<string, Shape> ErrorsByShapeName { get; } = new(StringComparer.Ordinal);

    public static ServiceModel Load(string serviceName, string path)
    {
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        var root = doc.RootElement;
        var meta = root.GetProperty("metadata");
        string endpointPrefix = meta.GetProperty("endpointPrefix").GetString()!;
        var model = new ServiceModel
        {
            Name = serviceName,
            EndpointPrefix = endpointPrefix,
            SigningName = meta.TryGetProperty("signingName", out var sn) ? sn.GetString()! : endpointPrefix,
            Protocol = meta.GetProperty("protocol").GetString()!,
            TargetPrefix = meta.TryGetProperty("targetPrefix", out var tp) ? tp.GetString() : null,
            XmlNamespace = meta.TryGetProperty("xmlNamespace", out var ns) ? ns.GetString() : null,
            ApiVersion = meta.GetProperty("apiVersion").GetString()!,
        };

        var shapes = root.GetProperty("shapes");
        foreach (var s in shapes.EnumerateObject())
        {
            model.Shapes[s.Name] = new Shape { Name = s.Name, Type = s.Value.GetProperty("type").GetString()! };
        }

        foreach (var s in shapes.EnumerateObject())
        {
            Fill(model, model.Shapes[s.Name], s.Value);
        }

        foreach (var o in root.GetProperty("operations").EnumerateObject())
        {
            var http = o.Value.GetProperty("http");
            Shape? input = o.Value.TryGetProperty("input", out var i) ? model.Shapes[i.GetProperty("shape").GetString()!] : null;
            Shape? output = null;
            string? wrapper = null;
            if (o.Value.TryGetProperty("output", out var op))
            {
                output = model.Shapes[op.GetProperty("shape").GetString()!];
                wrapper = op.TryGetProperty("resultWrapper", out var w) ? w.GetString() : null;
            }

            bool unsigned = (o.Value.TryGetProperty("authtype", out var at) && at.GetString() == "none")
                || (o.Value.TryGetProperty("auth", out var au) && au.ValueKind == JsonValueKind.Array && au.EnumerateArray().Any(a => a.GetString() == "smithy.api#noAuth"));
            model.Operations[o.Name] = new Operation
            {
                Name = o.Name,
                HttpMethod = http.GetProperty("method").GetString()!,
                RequestUri = http.GetProperty("requestUri").GetString()!,
                ResponseCode = http.TryGetProperty("responseCode", out var rc) ? rc.GetInt32() : 200,
                Input = input,
                Output = output,
                ResultWrapper = wrapper,
                Unsigned = unsigned,
            };
        }

        foreach (var shape in model.Shapes.Values.Where(s => s.IsException))
        {
            model.ErrorsByShapeName[shape.Name] = shape;
        }

        return model;
    }

    private static void Fill(ServiceModel model, Shape shape, JsonElement e)
    {
        if (e.TryGetProperty("min", out var min)) shape.Min = min.GetDouble();
        if (e.TryGetProperty("max", out var max)) shape.Max = max.GetDouble();
        if (e.TryGetProperty("pattern", out var p)) shape.Pattern = p.GetString();
        if (e.TryGetProperty("enum", out var en)) shape.Enum = [.. en.EnumerateArray().Select(x => x.GetString()!)];
        if (e.TryGetProperty("flattened", out var fl)) shape.Flattened = fl.GetBoolean();
        if (e.TryGetProperty("locationName", out var ln)) shape.LocationName = ln.GetString();
        if (e.TryGetProperty("timestampFormat", out var tf)) shape.TimestampFormat = tf.GetString();
        if (e.TryGetProperty("payload", out var pl)) shape.Payload = pl.GetString();
        if (e.TryGetProperty("exception", out var ex)) shape.IsException = ex.GetBoolean();
        if (e.TryGetProperty("error", out var err))
        {
            if (err.TryGetProperty("code", out var c)) shape.ErrorCode = c.GetString();
            if (err.TryGetProperty("httpStatusCode", out var hs)) shape.ErrorStatus = hs.GetInt32();
            if (err.TryGetProperty("senderFault", out var sf)) shape.SenderFault = sf.GetBoolean();
        }

        if (e.TryGetProperty("required", out var req))
        {
            shape.Required.AddRange(req.EnumerateArray().Select(x => x.GetString()!));
        }

        if (e.TryGetProperty("members", out var members))
        {
            foreach (var m in members.EnumerateObject())
            {
                shape.Members[m.Name] = ToMember(model, m.Name, m.Value);
            }
        }

        if (e.TryGetProperty("member", out var lm)) shape.ListMember = ToMember(model, "member", lm);
        if (e.TryGetProperty("key", out var k)) shape.MapKey = ToMember(model, "key", k);
        if (e.TryGetProperty("value", out var v)) shape.MapValue = ToMember(model, "value", v);
    }

    private static Member ToMember(ServiceModel model, string name, JsonElement e) => new()
    {
        Name = name,
        Shape = model.Shapes[e.GetProperty("shape").GetString()!],
        Location = e.TryGetProperty("location", out var l) ? l.GetString() : null,
        LocationName = e.TryGetProperty("locationName", out var ln) ? ln.GetString() : null,
        QueryName = e.TryGetProperty("queryName", out var qn) ? qn.GetString() : null,
        Flattened = e.TryGetProperty("flattened", out var f) && f.GetBoolean(),
        XmlAttribute = e.TryGetProperty("xmlAttribute", out var xa) && xa.GetBoolean(),
        IdempotencyToken = e.TryGetProperty("idempotencyToken", out var it) && it.GetBoolean(),
    };
}
