using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Registry;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Patching;

/// <summary>
/// Server-side apply (application/apply-patch+yaml): merges the applied configuration by list type, records the
/// manager's ownership in managedFields, answers conflicts with other managers (unless forced), and removes
/// fields the manager applied before and no longer applies when nobody else owns them.
/// </summary>
internal static class ServerSideApply
{
    public static StoredObject Apply(ResourceService service, ServedResource r, ResourceVersionDef version, string ns, string name, string subresource, JsonObject config, WriteOptions options)
    {
        var type = r.Type;
        if (options.FieldManager.Length == 0)
        {
            throw ApiException.BadRequest("PATCH request with apply content type requires fieldManager");
        }

        if (Json.Str(Json.At(config, "metadata.name")) is { } configName && configName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({configName}) does not match the name on the URL ({name})");
        }

        Json.Metadata(config).Remove("managedFields");
        var lists = new ListStructure(type, version);
        var includeStatus = subresource == "status" || !version.StatusSubresource;
        var includeSpec = subresource != "status";
        var applied = FieldSet.Leaves(config, lists, includeStatus, includeSpec);
        var now = service.Now();
        var apiVersion = type.ApiVersion(version.Name);
        var applyOptions = options with { TrackUpdates = false };

        return service.Mutate(r, version, ns, name, subresource, null, applyOptions,
            current =>
            {
                var entries = ManagedFields.Read(current);
                var conflicts = new List<(string Manager, string Path)>();
                foreach (var e in entries.Where(e => !IsMine(e, options.FieldManager, subresource)))
                {
                    foreach (var p in e.Fields.Where(applied.Contains))
                    {
                        if (!Json.DeepEquals(FieldSet.ValueAt(current, p), FieldSet.ValueAt(config, p)))
                        {
                            conflicts.Add((e.Manager, p));
                        }
                    }
                }

                if (conflicts.Count > 0)
                {
                    if (!options.Force)
                    {
                        throw Conflicts(conflicts);
                    }

                    foreach (var (manager, path) in conflicts)
                    {
                        foreach (var e in entries.Where(e => e.Manager == manager))
                        {
                            e.Fields.Remove(path);
                        }
                    }
                }

                var mine = entries.FirstOrDefault(e => IsMine(e, options.FieldManager, subresource));
                var previous = mine?.Fields ?? [];
                var merged = (JsonObject)Merge(current, config, [], lists)!;
                var others = entries.Where(e => e != mine).SelectMany(e => e.Fields).ToHashSet(StringComparer.Ordinal);
                foreach (var dropped in previous.Where(p => !applied.Contains(p)).OrderByDescending(p => p.Length))
                {
                    var item = dropped.EndsWith(FieldSet.Separator + ".", StringComparison.Ordinal) ? dropped[..^2] : dropped;
                    if (!others.Any(o => o == dropped || o.StartsWith(item + FieldSet.Separator, StringComparison.Ordinal)))
                    {
                        FieldSet.Remove(merged, dropped);
                    }
                }

                if (mine is null)
                {
                    mine = new ManagedEntry(options.FieldManager, "Apply", subresource, apiVersion, now, []);
                    entries.Add(mine);
                }

                if (!mine.Fields.SetEquals(applied))
                {
                    mine.Time = now;
                }

                mine.Fields = applied;
                mine.ApiVersion = apiVersion;
                ManagedFields.Write(merged, entries);
                return merged;
            },
            _ =>
            {
                if (subresource.Length > 0)
                {
                    throw ObjectErrors.NotFound(type, name);
                }

                var body = (JsonObject)config.DeepClone();
                ManagedFields.Write(body, [new ManagedEntry(options.FieldManager, "Apply", "", apiVersion, now, applied)]);
                return service.Create(r, version, ns, body, applyOptions);
            });
    }

    private static bool IsMine(ManagedEntry e, string manager, string subresource) =>
        e.Manager == manager && e.Operation == "Apply" && e.Subresource == subresource;

    private static ApiException Conflicts(List<(string Manager, string Path)> conflicts)
    {
        var lines = conflicts.Select(c => $"conflict with \"{c.Manager}\": {FieldSet.Readable(c.Path)}").ToList();
        var message = $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}: {string.Join("\n", lines)}";
        var causes = new JsonArray();
        foreach (var (manager, path) in conflicts)
        {
            causes.Add(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with \"{manager}\"", ["field"] = FieldSet.Readable(path) });
        }

        return new ApiException(409, "Conflict", message, new JsonObject { ["causes"] = causes });
    }

    private static JsonNode? Merge(JsonNode? current, JsonNode? config, List<string> names, ListStructure lists)
    {
        switch (config)
        {
            case JsonObject co when current is JsonObject cur:
                foreach (var (k, v) in co)
                {
                    if (v is null)
                    {
                        cur.Remove(k);
                        continue;
                    }

                    names.Add(k);
                    var merged = cur.ContainsKey(k) ? Merge(cur[k], v, names, lists) : v.DeepClone();
                    names.RemoveAt(names.Count - 1);
                    cur.Remove(k);
                    cur[k] = merged;
                }

                return cur;
            case JsonArray ca when current is JsonArray cura:
                var (kind, keys) = lists.Of(names);
                switch (kind)
                {
                    case ListKind.Map:
                        var result = cura.DeepClone().AsArray();
                        foreach (var item in ca)
                        {
                            if (item is not JsonObject io)
                            {
                                return ca.DeepClone();
                            }

                            var key = FieldSet.ItemKey(io, keys);
                            var index = -1;
                            for (var i = 0; i < result.Count; i++)
                            {
                                if (result[i] is JsonObject ro && FieldSet.ItemKey(ro, keys) == key)
                                {
                                    index = i;
                                    break;
                                }
                            }

                            if (index >= 0)
                            {
                                result[index] = Merge(result[index]!.DeepClone(), io, names, lists);
                            }
                            else
                            {
                                result.Add(io.DeepClone());
                            }
                        }

                        return result;
                    case ListKind.Set:
                        var union = cura.DeepClone().AsArray();
                        foreach (var item in ca)
                        {
                            if (!union.Any(u => JsonNode.DeepEquals(u, item)))
                            {
                                union.Add(item?.DeepClone());
                            }
                        }

                        return union;
                    default:
                        return ca.DeepClone();
                }

            default:
                return config?.DeepClone();
        }
    }
}
