using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Patching;

/// <summary>metadata.managedFields: who owns which fields, updated on every write as the API server does.</summary>
internal static class ManagedFields
{
    public static List<ManagedEntry> Read(JsonObject obj)
    {
        var list = new List<ManagedEntry>();
        if (Json.At(obj, "metadata.managedFields") is JsonArray a)
        {
            foreach (var e in a.OfType<JsonObject>())
            {
                list.Add(new ManagedEntry(
                    Json.Str(e["manager"]) ?? "",
                    Json.Str(e["operation"]) ?? "Update",
                    Json.Str(e["subresource"]) ?? "",
                    Json.Str(e["apiVersion"]) ?? "",
                    Json.Str(e["time"]) ?? "",
                    FieldSet.FromFieldsV1(e["fieldsV1"] as JsonObject)));
            }
        }

        return list;
    }

    public static void Write(JsonObject obj, List<ManagedEntry> entries)
    {
        var meta = Json.Metadata(obj);
        var live = entries.Where(e => e.Fields.Count > 0).ToList();
        if (live.Count == 0)
        {
            meta.Remove("managedFields");
            return;
        }

        var a = new JsonArray();
        foreach (var e in live)
        {
            var o = new JsonObject
            {
                ["manager"] = e.Manager,
                ["operation"] = e.Operation,
                ["apiVersion"] = e.ApiVersion,
                ["time"] = e.Time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = FieldSet.ToFieldsV1(e.Fields),
            };
            if (e.Subresource.Length > 0)
            {
                o["subresource"] = e.Subresource;
            }

            a.Add(o);
        }

        meta["managedFields"] = a;
    }

    /// <summary>Records a non-apply write: the writer owns the fields it changed, which other managers lose.</summary>
    public static void RecordUpdate(JsonObject? old, JsonObject next, string manager, string subresource, bool statusIsSubresource, ListStructure lists, string apiVersion, string now)
    {
        var includeStatus = subresource == "status" || !statusIsSubresource;
        var includeSpec = subresource != "status";
        var leaves = FieldSet.Leaves(next, lists, includeStatus, includeSpec);
        var changed = old is null
            ? leaves
            : [.. leaves.Where(p => !Json.DeepEquals(FieldSet.ValueAt(old, p), FieldSet.ValueAt(next, p)))];
        var entries = Read(next);
        var touched = false;
        foreach (var e in entries)
        {
            var before = e.Fields.Count;
            if (!(e.Manager == manager && e.Operation == "Update" && e.Subresource == subresource))
            {
                e.Fields.ExceptWith(changed);
            }

            e.Fields.RemoveWhere(p => FieldSet.ValueAt(next, p) is null);
            touched |= e.Fields.Count != before;
        }

        if (changed.Count > 0)
        {
            var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update" && e.Subresource == subresource);
            if (mine is null)
            {
                mine = new ManagedEntry(manager, "Update", subresource, apiVersion, now, []);
                entries.Add(mine);
            }

            mine.Fields.UnionWith(changed);
            mine.Time = now;
            mine.ApiVersion = apiVersion;
            touched = true;
        }

        if (touched)
        {
            Write(next, entries);
        }
    }
}

/// <summary>One managedFields entry with its owned paths.</summary>
internal sealed class ManagedEntry(string manager, string operation, string subresource, string apiVersion, string time, HashSet<string> fields)
{
    public string Manager { get; } = manager;

    public string Operation { get; } = operation;

    public string Subresource { get; } = subresource;

    public string ApiVersion { get; set; } = apiVersion;

    public string Time { get; set; } = time;

    public HashSet<string> Fields { get; set; } = fields;
}
