using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using SessionAudit.Sandbox.Aws.Model;

namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>Writes handler output as XML following the model's names, list and map conventions (query and rest-xml).</summary>
internal static class XmlOutputWriter
{
    public static void WriteMembers(XmlWriter w, Shape shape, JsonObject o, bool queryStyle)
    {
        foreach (var (name, value) in o)
        {
            if (value is null) continue;
            if (!shape.Members.TryGetValue(name, out var m))
            {
                throw new InvalidOperationException($"sandbox bug: output member {shape.Name}.{name} is not in the model");
            }

            if (m.Location is not null) continue;
            WriteNamed(w, m.WireName, m.Shape, value, m.Flattened || m.Shape.Flattened, queryStyle);
        }
    }

    public static void WriteNamed(XmlWriter w, string element, Shape shape, JsonNode value, bool flattened, bool queryStyle)
    {
        switch (shape.Type)
        {
            case "structure":
                w.WriteStartElement(element);
                WriteMembers(w, shape, (JsonObject)value, queryStyle);
                w.WriteEndElement();
                return;
            case "list":
                var items = (JsonArray)value;
                string itemName = shape.ListMember!.LocationName ?? (flattened ? element : "member");
                if (!flattened) w.WriteStartElement(element);
                foreach (var item in items)
                {
                    if (item is not null) WriteNamed(w, itemName, shape.ListMember.Shape, item, false, queryStyle);
                }

                if (!flattened) w.WriteEndElement();
                return;
            case "map":
                if (!flattened) w.WriteStartElement(element);
                foreach (var (k, v) in (JsonObject)value)
                {
                    w.WriteStartElement(flattened ? element : "entry");
                    w.WriteElementString(shape.MapKey!.LocationName ?? "key", k);
                    if (v is not null) WriteNamed(w, shape.MapValue!.LocationName ?? "value", shape.MapValue.Shape, v, false, queryStyle);
                    w.WriteEndElement();
                }

                if (!flattened) w.WriteEndElement();
                return;
            default:
                w.WriteElementString(element, ScalarText(shape, value));
                return;
        }
    }

    public static string ScalarText(Shape shape, JsonNode value)
    {
        if (shape.Type == "timestamp")
        {
            var d = Timestamps.Read(value) ?? throw new InvalidOperationException($"sandbox bug: bad timestamp {value}");
            return shape.TimestampFormat == "rfc822" ? Timestamps.Rfc1123(d) : Timestamps.Iso(d);
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            // ToJsonString is exact whatever CLR type backs the number (int, long, double, JsonElement).
            JsonValueKind.Number => value.ToJsonString(),
            _ => value.GetValue<string>(),
        };
    }
}
