using System.Globalization;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Api;

namespace SessionAudit.Sandbox.Kubernetes.Patching;

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy, test.</summary>
internal static class JsonPatch
{
    public static JsonNode? Apply(JsonNode? document, JsonNode? patch)
    {
        if (patch is not JsonArray ops)
        {
            throw Bad("the patch must be a JSON array of operations");
        }

        var root = new JsonObject { ["$"] = document };
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op)
            {
                throw Bad("each operation must be an object");
            }

            var name = op["op"]?.GetValue<string>() ?? throw Bad("missing op");
            var path = op["path"]?.GetValue<string>() ?? throw Bad($"missing path in \"{name}\" operation");
            switch (name)
            {
                case "add":
                    Add(root, path, op["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, op["value"]?.DeepClone());
                    break;
                case "move":
                    {
                        var from = op["from"]?.GetValue<string>() ?? throw Bad("missing from");
                        var value = Remove(root, from);
                        Add(root, path, value);
                        break;
                    }

                case "copy":
                    {
                        var from = op["from"]?.GetValue<string>() ?? throw Bad("missing from");
                        Add(root, path, Get(root, from)?.DeepClone());
                        break;
                    }

                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), op["value"]))
                    {
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }

                    break;
                default:
                    throw Bad($"Unexpected kind: {name}");
            }
        }

        var result = root["$"];
        root.Remove("$");
        return result;
    }

    private static ApiException Bad(string message) => new(422, "Invalid", message);

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw Bad($"invalid JSON pointer: {pointer}");
        }

        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static (JsonNode Parent, string Last) Parent(JsonObject root, string pointer)
    {
        var tokens = Tokens(pointer);
        JsonNode parent = root;
        var last = "$";
        var all = new[] { "$" }.Concat(tokens).ToArray();
        for (var i = 0; i < all.Length - 1; i++)
        {
            parent = Step(parent, all[i]) ?? throw Bad($"doc is missing path: \"{pointer}\"");
        }

        last = all[^1];
        return (parent, last);
    }

    private static JsonNode? Step(JsonNode node, string token) => node switch
    {
        JsonObject o => o[token],
        JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
        _ => null,
    };

    private static JsonNode? Get(JsonObject root, string pointer)
    {
        var node = root["$"];
        foreach (var t in Tokens(pointer))
        {
            node = node is null ? null : Step(node, t);
        }

        return node;
    }

    private static void Add(JsonObject root, string pointer, JsonNode? value)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o:
                o.Remove(last);
                o[last] = value;
                break;
            case JsonArray a:
                if (last == "-")
                {
                    a.Add(value);
                }
                else if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count)
                {
                    a.Insert(i, value);
                }
                else
                {
                    throw Bad($"add operation does not apply: index {last} is out of range");
                }

                break;
            default:
                throw Bad($"add operation does not apply: doc is missing path: \"{pointer}\"");
        }
    }

    private static JsonNode? Remove(JsonObject root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                var v = o[last];
                o.Remove(last);
                return v;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                var item = a[i];
                a.RemoveAt(i);
                return item;
            default:
                throw Bad($"remove operation does not apply: doc is missing path: \"{pointer}\"");
        }
    }
}
