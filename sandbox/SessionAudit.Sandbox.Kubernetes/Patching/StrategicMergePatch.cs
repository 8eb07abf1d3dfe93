using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Api;

namespace SessionAudit.Sandbox.Kubernetes.Patching;

/// <summary>Strategic merge patch for built-in kinds: lists with a merge key merge by it, scalar sets union, other lists replace; $patch, $retainKeys, $setElementOrder and $deleteFromPrimitiveList directives.</summary>
internal static class StrategicMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch, IReadOnlyDictionary<string, string> mergeKeys) =>
        MergeValue(target, patch, "", mergeKeys);

    private static JsonNode? MergeValue(JsonNode? target, JsonNode? patch, string path, IReadOnlyDictionary<string, string> keys)
    {
        if (patch is JsonObject po)
        {
            if (Directive(po) == "replace")
            {
                var copy = po.DeepClone().AsObject();
                copy.Remove("$patch");
                return copy;
            }

            if (Directive(po) == "delete")
            {
                return null;
            }

            return MergeObject(target as JsonObject ?? new JsonObject(), po, path, keys);
        }

        return patch?.DeepClone();
    }

    private static string? Directive(JsonObject o) => o["$patch"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonObject MergeObject(JsonObject target, JsonObject patch, string path, IReadOnlyDictionary<string, string> keys)
    {
        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(r => r?.GetValue<string>()).ToHashSet();
            foreach (var k in target.Select(kv => kv.Key).ToList())
            {
                if (!keep.Contains(k))
                {
                    target.Remove(k);
                }
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal) || key == "$retainKeys" || key == "$patch")
            {
                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (target[field] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var r in remove)
                    {
                        var hit = list.FirstOrDefault(x => JsonNode.DeepEquals(x, r));
                        if (hit is not null)
                        {
                            list.Remove(hit);
                        }
                    }
                }

                continue;
            }

            var childPath = path.Length == 0 ? key : path + "." + key;
            if (value is null)
            {
                target.Remove(key);
                continue;
            }

            var existing = target[key];
            target.Remove(key);
            var merged = value is JsonArray pa && keys.TryGetValue(childPath, out var mergeKey)
                ? MergeList(existing as JsonArray, pa, mergeKey, childPath, keys)
                : MergeValue(existing, value, childPath, keys);
            if (merged is not null || value is not JsonObject)
            {
                target[key] = merged;
            }
        }

        return target;
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string mergeKey, string path, IReadOnlyDictionary<string, string> keys)
    {
        var result = target?.DeepClone().AsArray() ?? [];
        if (mergeKey.Length == 0)
        {
            // A set of scalars (finalizers): union, keeping order.
            foreach (var item in patch)
            {
                if (!result.Any(x => JsonNode.DeepEquals(x, item)))
                {
                    result.Add(item?.DeepClone());
                }
            }

            return result;
        }

        foreach (var item in patch)
        {
            if (item is not JsonObject po)
            {
                throw ApiException.BadRequest($"unable to find merge key \"{mergeKey}\" in list {path}");
            }

            if (Directive(po) == "replace")
            {
                return [.. patch.Where(p => p is JsonObject o && Directive(o) != "replace").Select(p => p!.DeepClone())];
            }

            var keyValue = po[mergeKey];
            var index = -1;
            for (var i = 0; i < result.Count; i++)
            {
                if (result[i] is JsonObject ro && JsonNode.DeepEquals(ro[mergeKey], keyValue))
                {
                    index = i;
                    break;
                }
            }

            if (Directive(po) == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                var merged = MergeObject(result[index]!.AsObject().DeepClone().AsObject(), po, path, keys);
                result[index] = merged;
            }
            else
            {
                result.Add(MergeObject(new JsonObject(), po, path, keys));
            }
        }

        return result;
    }
}
