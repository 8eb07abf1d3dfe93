using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using SessionAudit.Sandbox.Aws.Model;

namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>REST protocols (rest-xml for S3, rest-json for Lambda): members from URI labels, query, headers and body.</summary>
internal static class RestWire
{
    public static JsonObject ToInput(
        Shape shape,
        Dictionary<string, string> labels,
        IReadOnlyDictionary<string, string> query,
        Func<string, string?> header,
        IEnumerable<KeyValuePair<string, string>> allHeaders,
        byte[] body,
        bool xmlBody)
    {
        var o = new JsonObject();
        foreach (var m in shape.Members.Values)
        {
            string? raw = m.Location switch
            {
                "uri" => labels.GetValueOrDefault(m.WireName),
                "querystring" => query.GetValueOrDefault(m.WireName),
                "header" => header(m.WireName),
                _ => null,
            };
            if (raw is not null)
            {
                o[m.Name] = m.Shape.Type == "list"
                    ? new JsonArray([.. raw.Split(',').Select(x => QueryWire.Scalar(m.Shape.ListMember!.Shape, x.Trim(), m.WireName))])
                    : QueryWire.Scalar(m.Shape, raw, m.WireName);
                continue;
            }

            if (m.Location == "headers")
            {
                var map = new JsonObject();
                foreach (var (k, v) in allHeaders)
                {
                    if (k.StartsWith(m.WireName, StringComparison.OrdinalIgnoreCase)) map[k[m.WireName.Length..].ToLowerInvariant()] = v;
                }

                if (map.Count > 0) o[m.Name] = map;
            }
        }

        if (shape.Payload is { } payloadName)
        {
            var pm = shape.Members[payloadName];
            if (pm.Shape.Type == "structure" && body.Length > 0)
            {
                o[pm.Name] = xmlBody ? ReadXmlBody(pm.Shape, body) : JsonWire.ParseBody(body);
            }
        }
        else if (!xmlBody && body.Length > 0)
        {
            foreach (var (k, v) in JsonWire.ParseBody(body))
            {
                if (shape.Members.TryGetValue(k, out var m) && m.Location is not null)
                {
                    throw new AwsException("SerializationException", $"Unrecognized field \"{k}\" in body");
                }

                o[k] = v?.DeepClone();
            }
        }

        return o;
    }

    private static JsonObject ReadXmlBody(Shape shape, byte[] body)
    {
        XElement root;
        try { root = XElement.Parse(Encoding.UTF8.GetString(body)); }
        catch (XmlException) { throw Malformed(); }
        return ReadStructure(shape, root);
    }

    private static JsonObject ReadStructure(Shape shape, XElement e)
    {
        var o = new JsonObject();
        var byWire = shape.Members.Values.ToDictionary(m => m.WireName, StringComparer.Ordinal);
        foreach (var child in e.Elements())
        {
            string name = child.Name.LocalName;
            if (!byWire.TryGetValue(name, out var m)) throw Malformed();
            if (m.Shape.Type == "list")
            {
                bool flat = m.Flattened || m.Shape.Flattened;
                var arr = o[m.Name] as JsonArray ?? [];
                o[m.Name] = arr;
                var items = flat ? [child] : child.Elements();
                foreach (var item in items) arr.Add(ReadValue(m.Shape.ListMember!.Shape, item));
            }
            else
            {
                o[m.Name] = ReadValue(m.Shape, child);
            }
        }

        return o;
    }

    private static JsonNode ReadValue(Shape shape, XElement e) => shape.Type switch
    {
        "structure" => ReadStructure(shape, e),
        "list" => new JsonArray([.. e.Elements().Select(x => ReadValue(shape.ListMember!.Shape, x))]),
        _ => ScalarOrMalformed(shape, e.Value),
    };

    private static JsonNode ScalarOrMalformed(Shape shape, string text)
    {
        try { return QueryWire.Scalar(shape, text, shape.Name); }
        catch (AwsException) { throw Malformed(); }
    }

    public static AwsException Malformed() =>
        new("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");

    public static WireResponse S3Error(AwsException e, string requestId, bool head)
    {
        int status = e.Status;
        if (head)
        {
            var empty = new WireResponse(status, null, []) { ErrorCode = e.Code, Headers = { new("x-amz-request-id", requestId) } };
            empty.Headers.AddRange(e.Headers);
            return empty;
        }

        var doc = new XElement("Error", new XElement("Code", e.Code), new XElement("Message", e.Message));
        if (e.Extra is not null)
        {
            foreach (var (k, v) in e.Extra) doc.Add(new XElement(k, v));
        }

        doc.Add(new XElement("RequestId", requestId), new XElement("HostId", Convert.ToBase64String(Encoding.ASCII.GetBytes(requestId))));
        var res = new WireResponse(status, "application/xml", Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doc.ToString(SaveOptions.DisableFormatting)))
        {
            ErrorCode = e.Code,
            Headers = { new("x-amz-request-id", requestId) },
        };
        res.Headers.AddRange(e.Headers);
        return res;
    }
}
