using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Kubernetes.Patching;

/// <summary>
/// Sets of owned field paths in the managedFields FieldsV1 vocabulary: f:&lt;field&gt;, k:&lt;keys json&gt; (map-list item),
/// v:&lt;value json&gt; (set item) and "." (the list item itself). A path is its segments joined by '\n'.
/// </summary>
internal static class FieldSet
{
    public const char Separator = '\n';

    /// <summary>The leaf paths a value sets (what a manager owns by setting it).</summary>
    public static HashSet<string> Leaves(JsonObject obj, ListStructure lists, bool includeStatus, bool includeSpec)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            switch (key)
            {
                case "apiVersion" or "kind":
                    continue;
                case "metadata":
                    if (includeSpec && value is JsonObject meta)
                    {
                        foreach (var tracked in new[] { "labels", "annotations", "finalizers", "ownerReferences" })
                        {
                            if (meta[tracked] is { } v)
                            {
                                Walk(v, ["metadata", tracked], "f:metadata\nf:" + tracked, lists, set);
                            }
                        }
                    }

                    continue;
                case "status" when !includeStatus:
                    continue;
            }

            if (key != "status" && !includeSpec)
            {
                continue;
            }

            Walk(value, [key], "f:" + key, lists, set);
        }

        return set;
    }

    private static void Walk(JsonNode? value, List<string> names, string path, ListStructure lists, HashSet<string> set)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (k, v) in o)
                {
                    names.Add(k);
                    Walk(v, names, path + Separator + "f:" + k, lists, set);
                    names.RemoveAt(names.Count - 1);
                }

                break;
            case JsonArray a:
                var (kind, keys) = lists.Of(names);
                switch (kind)
                {
                    case ListKind.Map:
                        foreach (var item in a)
                        {
                            if (item is not JsonObject io)
                            {
                                set.Add(path);
                                return;
                            }

                            var itemPath = path + Separator + ItemKey(io, keys);
                            set.Add(itemPath + Separator + ".");
                            foreach (var (k, v) in io)
                            {
                                names.Add(k);
                                Walk(v, names, itemPath + Separator + "f:" + k, lists, set);
                                names.RemoveAt(names.Count - 1);
                            }
                        }

                        break;
                    case ListKind.Set:
                        foreach (var item in a)
                        {
                            set.Add(path + Separator + "v:" + (item?.ToJsonString() ?? "null"));
                        }

                        break;
                    default:
                        set.Add(path);
                        break;
                }

                break;
            default:
                set.Add(path);
                break;
        }
    }

    public static string ItemKey(JsonObject item, string[] keys)
    {
        var k = new JsonObject();
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            k[key] = item[key]?.DeepClone();
        }

        return "k:" + k.ToJsonString();
    }

    /// <summary>The value at a path, or null when absent.</summary>
    public static JsonNode? ValueAt(JsonNode? root, string path)
    {
        var node = root;
        foreach (var seg in path.Split(Separator))
        {
            node = Step(node, seg);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static JsonNode? Step(JsonNode? node, string seg)
    {
        if (seg == ".")
        {
            return node;
        }

        if (seg.StartsWith("f:", StringComparison.Ordinal))
        {
            return node is JsonObject o ? o[seg[2..]] : null;
        }

        if (node is not JsonArray a)
        {
            return null;
        }

        if (seg.StartsWith("k:", StringComparison.Ordinal))
        {
            var keys = JsonNode.Parse(seg[2..])!.AsObject();
            return a.FirstOrDefault(i => i is JsonObject io && keys.All(kv => JsonNode.DeepEquals(io[kv.Key], kv.Value)));
        }

        if (seg.StartsWith("v:", StringComparison.Ordinal))
        {
            var v = JsonNode.Parse(seg[2..]);
            return a.FirstOrDefault(i => JsonNode.DeepEquals(i, v));
        }

        return null;
    }

    /// <summary>Removes the field or list item a path names.</summary>
    public static void Remove(JsonNode? root, string path)
    {
        var segs = path.Split(Separator);
        if (segs[^1] == ".")
        {
            segs = segs[..^1];
        }

        var parent = root;
        for (var i = 0; i < segs.Length - 1; i++)
        {
            parent = Step(parent, segs[i]);
            if (parent is null)
            {
                return;
            }
        }

        var last = segs[^1];
        if (last.StartsWith("f:", StringComparison.Ordinal) && parent is JsonObject o)
        {
            o.Remove(last[2..]);
        }
        else if (parent is JsonArray a && Step(a, last) is { } item)
        {
            a.Remove(item);
        }
    }

    public static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var p in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var seg in p.Split(Separator))
            {
                if (node[seg] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[seg] = child;
                }

                node = child;
            }
        }

        return root;
    }

    public static HashSet<string> FromFieldsV1(JsonObject? fields)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (fields is not null)
        {
            Collect(fields, "", set);
        }

        return set;
    }

    private static void Collect(JsonObject node, string prefix, HashSet<string> set)
    {
        foreach (var (k, v) in node)
        {
            var path = prefix.Length == 0 ? k : prefix + Separator + k;
            if (v is JsonObject child && child.Count > 0)
            {
                Collect(child, path, set);
            }
            else
            {
                set.Add(path);
            }
        }
    }

    /// <summary>A path as the API server prints it in conflicts: .spec.containers[name="x"].image.</summary>
    public static string Readable(string path)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var seg in path.Split(Separator))
        {
            if (seg.StartsWith("f:", StringComparison.Ordinal))
            {
                sb.Append('.').Append(seg[2..]);
            }
            else if (seg.StartsWith("k:", StringComparison.Ordinal))
            {
                var keys = JsonNode.Parse(seg[2..])!.AsObject();
                sb.Append('[').Append(string.Join(",", keys.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}"))).Append(']');
            }
            else if (seg.StartsWith("v:", StringComparison.Ordinal))
            {
                sb.Append('[').Append(seg[2..]).Append(']');
            }
        }

        return sb.ToString();
    }
}
