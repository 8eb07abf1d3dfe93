using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using Microsoft.AspNetCore.WebUtilities;
using SessionAudit.Sandbox.Aws.Model;

namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>The AWS query protocol (STS, SNS, IAM): form parameters in, XML out, ErrorResponse on failure; and its EC2
/// dialect (every list flattened, members named by queryName or capitalised locationName, no Result wrapper, errors in
/// <c>Response/Errors/Error</c>).</summary>
internal static class QueryWire
{
    public static Dictionary<string, string> ParseForm(byte[] body, string? queryString)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in QueryHelpers.ParseQuery(queryString ?? "")) result[k] = v.ToString();
        if (body.Length > 0)
        {
            foreach (var (k, v) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body))) result[k] = v.ToString();
        }

        return result;
    }

    /// <summary>Builds the member-name form of the input; parameters the shape does not declare are reported back.</summary>
    public static JsonObject ToInput(Shape shape, Dictionary<string, string> form, List<string> unknown, bool ec2 = false)
    {
        var used = new HashSet<string>(StringComparer.Ordinal) { "Action", "Version" };
        var result = ReadStructure(shape, "", form, used, ec2);
        foreach (var k in form.Keys)
        {
            if (!used.Contains(k) && !k.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase)) unknown.Add(k);
        }

        return result;
    }

    private static JsonObject ReadStructure(Shape shape, string prefix, Dictionary<string, string> form, HashSet<string> used, bool ec2)
    {
        var o = new JsonObject();
        foreach (var m in shape.Members.Values)
        {
            var v = ec2 ? Read(m.Shape, prefix + m.Ec2Name, true, form, used, ec2) : Read(m.Shape, prefix + m.WireName, m.Flattened || m.Shape.Flattened, form, used, ec2);
            if (v is not null) o[m.Name] = v;
        }

        return o;
    }

    private static JsonNode? Read(Shape shape, string key, bool flattened, Dictionary<string, string> form, HashSet<string> used, bool ec2)
    {
        switch (shape.Type)
        {
            case "structure":
                if (!form.Keys.Any(k => k.StartsWith(key + ".", StringComparison.Ordinal))) return null;
                return ReadStructure(shape, key + ".", form, used, ec2);
            case "list":
                {
                    string itemPrefix = flattened ? key + "." : key + "." + (shape.ListMember!.LocationName ?? "member") + ".";
                    if (form.TryGetValue(key, out var emptyList) && emptyList.Length == 0) { used.Add(key); return new JsonArray(); }
                    var arr = new JsonArray();
                    for (int i = 1; ; i++)
                    {
                        var item = Read(shape.ListMember!.Shape, itemPrefix + i.ToString(CultureInfo.InvariantCulture), ec2, form, used, ec2);
                        if (item is null) break;
                        arr.Add(item);
                    }

                    return arr.Count == 0 ? null : arr;
                }

            case "map":
                {
                    string entry = flattened ? key + "." : key + ".entry.";
                    var map = new JsonObject();
                    for (int i = 1; ; i++)
                    {
                        string p = entry + i.ToString(CultureInfo.InvariantCulture) + ".";
                        string kName = p + (shape.MapKey!.LocationName ?? "key");
                        if (!form.TryGetValue(kName, out var k)) break;
                        used.Add(kName);
                        map[k] = Read(shape.MapValue!.Shape, p + (shape.MapValue!.LocationName ?? "value"), false, form, used, ec2);
                    }

                    return map.Count == 0 ? null : map;
                }

            default:
                if (!form.TryGetValue(key, out var s)) return null;
                used.Add(key);
                return Scalar(shape, s, key);
        }
    }

    /// <summary>Converts a string wire value to the JSON value of a scalar shape (shared with REST labels, query strings and headers).</summary>
    public static JsonNode Scalar(Shape shape, string s, string name) => shape.Type switch
    {
        "integer" or "long" => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? JsonValue.Create(l)
            : throw new AwsException("ValidationError", $"Value '{s}' at '{name}' failed to satisfy constraint: Member must be a number"),
        "double" or "float" => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? JsonValue.Create(d)
            : throw new AwsException("ValidationError", $"Value '{s}' at '{name}' failed to satisfy constraint: Member must be a number"),
        "boolean" => s.Equals("true", StringComparison.OrdinalIgnoreCase) ? JsonValue.Create(true)
            : s.Equals("false", StringComparison.OrdinalIgnoreCase) ? JsonValue.Create(false)
            : throw new AwsException("ValidationError", $"Value '{s}' at '{name}' failed to satisfy constraint: Member must be a boolean"),
        _ => JsonValue.Create(s),
    };

    public static WireResponse Write(ServiceModel service, Operation op, JsonObject? output, string requestId)
    {
        if (service.Protocol == "ec2")
        {
            return WriteEc2(service, op, output, requestId);
        }

        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            w.WriteStartElement(op.Name + "Response", service.XmlNamespace);
            if (op.Output is not null && op.ResultWrapper is not null)
            {
                w.WriteStartElement(op.ResultWrapper);
                if (output is not null) XmlOutputWriter.WriteMembers(w, op.Output, output, queryStyle: true);
                w.WriteEndElement();
            }

            w.WriteStartElement("ResponseMetadata");
            w.WriteElementString("RequestId", requestId);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        return new WireResponse(200, "text/xml", Encoding.UTF8.GetBytes(sb.ToString())) { Headers = { new("x-amzn-RequestId", requestId) } };
    }

    // EC2 answers <OperationResponse><requestId/>members...</OperationResponse>, without a Result wrapper or
    // ResponseMetadata (botocore parsers.py, EC2QueryParser).
    private static WireResponse WriteEc2(ServiceModel service, Operation op, JsonObject? output, string requestId)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            w.WriteStartElement(op.Name + "Response", service.XmlNamespace);
            w.WriteElementString("requestId", requestId);
            if (op.Output is not null && output is not null) XmlOutputWriter.WriteMembers(w, op.Output, output, queryStyle: true);
            w.WriteEndElement();
        }

        return new WireResponse(200, "text/xml;charset=UTF-8", Encoding.UTF8.GetBytes(sb.ToString()));
    }

    // EC2 errors: <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response> (botocore parsers.py,
    // EC2QueryParser._do_error_parse).
    private static WireResponse Ec2Error(AwsException e, string requestId)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            w.WriteStartElement("Response");
            w.WriteStartElement("Errors");
            w.WriteStartElement("Error");
            w.WriteElementString("Code", e.Code);
            w.WriteElementString("Message", e.Message);
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteElementString("RequestID", requestId);
            w.WriteEndElement();
        }

        return new WireResponse(e.Status, "text/xml;charset=UTF-8", Encoding.UTF8.GetBytes(sb.ToString())) { ErrorCode = e.Code };
    }

    public static WireResponse Error(ServiceModel? service, AwsException e, string requestId)
    {
        if (service?.Protocol == "ec2")
        {
            return Ec2Error(e, requestId);
        }

        Shape? shape = null;
        service?.ErrorsByShapeName.TryGetValue(e.Code, out shape);
        string code = shape?.ErrorCode ?? e.Code;
        int status = e.Status != 400 ? e.Status : shape?.ErrorStatus ?? 400;
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            w.WriteStartElement("ErrorResponse", service?.XmlNamespace ?? "");
            w.WriteStartElement("Error");
            w.WriteElementString("Type", status >= 500 ? "Receiver" : "Sender");
            w.WriteElementString("Code", code);
            w.WriteElementString("Message", e.Message);
            w.WriteEndElement();
            w.WriteElementString("RequestId", requestId);
            w.WriteEndElement();
        }

        return new WireResponse(status, "text/xml", Encoding.UTF8.GetBytes(sb.ToString()))
        {
            Headers = { new("x-amzn-RequestId", requestId) },
            ErrorCode = code,
        };
    }
}
