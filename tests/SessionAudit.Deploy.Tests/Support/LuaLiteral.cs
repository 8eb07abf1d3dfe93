using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SessionAudit.Deploy.Tests.Support;

/// <summary>Writes a JSON object as a Lua table constructor, the shape Argo CD hands a health script as <c>obj</c>.</summary>
internal static class LuaLiteral
{
    public static string From(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("nil");
                break;
            case JsonObject obj:
                text.Append('{');
                foreach (var (key, value) in obj)
                {
                    text.Append('[').Append(Quote(key)).Append("]=");
                    Write(value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('{');
                foreach (var item in array)
                {
                    Write(item, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonValue value when value.GetValueKind() is JsonValueKind.String:
                text.Append(Quote(value.GetValue<string>()));
                break;
            case JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                text.Append(value.GetValue<bool>() ? "true" : "false");
                break;
            case JsonValue value:
                text.Append(value.ToJsonString());
                break;
        }
    }

    private static string Quote(string s)
    {
        var text = new StringBuilder("\"");
        foreach (var c in s)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                _ when c < ' ' => $"\\{(int)c:D3}",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }
}
