using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Tables;

/// <summary>meta.k8s.io/v1 Table output (kubectl get asks for it): printer columns of CRDs, Name/Age (plus a few) for built-ins.</summary>
internal static class TableConverter
{
    public static JsonObject Table(ResourceType type, ResourceVersionDef version, IEnumerable<StoredObject> objects, long resourceVersion, string? continueToken, DateTimeOffset now, bool includeColumns = true, string includeObject = "Metadata")
    {
        var columns = Columns(type, version);
        var rows = new JsonArray();
        foreach (var o in objects)
        {
            rows.Add(Row(columns, Json.Thaw(o), now, includeObject));
        }

        var meta = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (continueToken is not null)
        {
            meta["continue"] = continueToken;
        }

        var table = new JsonObject { ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = meta };
        var defs = new JsonArray();
        if (includeColumns)
        {
            foreach (var c in columns)
            {
                defs.Add(new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["format"] = c.Format, ["description"] = c.Description, ["priority"] = c.Priority });
            }
        }

        table["columnDefinitions"] = defs;
        table["rows"] = rows;
        return table;
    }

    private static List<PrinterColumn> Columns(ResourceType type, ResourceVersionDef version)
    {
        var name = new PrinterColumn("Name", "string", "name", "Name must be unique within a namespace.", 0, ".metadata.name");
        var age = new PrinterColumn("Age", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0, ".metadata.creationTimestamp");
        if (type.IsCustom)
        {
            return version.Columns.Count > 0 ? [name, .. version.Columns] : [name, age];
        }

        return type.Key switch
        {
            "/configmaps" => [name, new("Data", "string", "", "Number of entries", 0, "#data"), age],
            "/secrets" => [name, new("Type", "string", "", "Type of secret", 0, ".type"), new("Data", "string", "", "Number of entries", 0, "#data"), age],
            "/namespaces" => [name, new("Status", "string", "", "The status of the namespace", 0, ".status.phase"), age],
            "/services" => [name, new("Type", "string", "", "Type", 0, ".spec.type"), new("Cluster-IP", "string", "", "Cluster IP", 0, ".spec.clusterIP"), age],
            "coordination.k8s.io/leases" => [name, new("Holder", "string", "", "Holder", 0, ".spec.holderIdentity"), age],
            "apps/deployments" => [name, new("Ready", "string", "", "Ready", 0, "#ready"), new("Up-to-date", "string", "", "Updated", 0, ".status.updatedReplicas"), new("Available", "string", "", "Available", 0, ".status.availableReplicas"), age],
            "apiextensions.k8s.io/customresourcedefinitions" => [name, new("Created At", "date", "", "Created", 0, "#created")],
            // The API server's columns for events (printers.go): generated wide; kubectl hides priority 1 unless -o wide.
            "/events" =>
            [
                new("Last Seen", "string", "", "The time at which the most recent occurrence of this event was recorded.", 0, "#event-last-seen"),
                new("Type", "string", "", "Type of this event (Normal, Warning), new types could be added in the future", 0, "$.type"),
                new("Reason", "string", "", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", 0, "$.reason"),
                new("Object", "string", "", "The object that this event is about.", 0, "#event-object"),
                new("Subobject", "string", "", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.", 1, "$.involvedObject.fieldPath"),
                new("Source", "string", "", "The component reporting this event. Should be a short machine understandable string.", 1, "#event-source"),
                new("Message", "string", "", "A human-readable description of the status of this operation.", 0, "#event-message"),
                new("First Seen", "string", "", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1, "#event-first-seen"),
                new("Count", "integer", "", "The number of times this event has occurred.", 1, "#event-count"),
                new("Name", "string", "name", "Name must be unique within a namespace.", 1, "$.metadata.name"),
            ],
            _ => [name, age],
        };
    }

    private static JsonObject Row(List<PrinterColumn> columns, JsonObject obj, DateTimeOffset now, string includeObject)
    {
        var cells = new JsonArray();
        foreach (var c in columns)
        {
            cells.Add(Cell(c, obj, now));
        }

        var row = new JsonObject { ["cells"] = cells };
        if (includeObject == "Object")
        {
            row["object"] = obj;
        }
        else if (includeObject != "None")
        {
            var meta = obj["metadata"]?.DeepClone() as JsonObject ?? new JsonObject();
            meta.Remove("managedFields");
            row["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = meta };
        }

        return row;
    }

    private static JsonNode? Cell(PrinterColumn c, JsonObject obj, DateTimeOffset now)
    {
        switch (c.JsonPath)
        {
            case "#data":
                return ((obj["data"] as JsonObject)?.Count ?? 0) + ((obj["binaryData"] as JsonObject)?.Count ?? 0);
            case "#created":
                // The real CRD table prints the timestamp itself here, not an age.
                return Json.At(obj, "metadata.creationTimestamp")?.DeepClone();
            case "#ready":
                return $"{Json.At(obj, "status.readyReplicas")?.ToJsonString() ?? "0"}/{Json.At(obj, "spec.replicas")?.ToJsonString() ?? "0"}";
            case "#event-first-seen":
                return EventFirstSeen(obj, now);
            case "#event-last-seen":
                return Json.At(obj, "series.lastObservedTime") is { } observed ? Since(observed, now)
                    : Json.At(obj, "lastTimestamp") is { } last ? Since(last, now)
                    : EventFirstSeen(obj, now);
            case "#event-count":
                var count = (Json.At(obj, "series.count") ?? Json.At(obj, "count"))?.GetValue<long>() ?? 0;
                return count == 0 ? 1 : count; // singleton events of the new API have no count
            case "#event-object":
                var kind = Text(obj, "involvedObject.kind").ToLowerInvariant();
                var objectName = Text(obj, "involvedObject.name");
                return objectName.Length > 0 ? $"{kind}/{objectName}" : kind;
            case "#event-source":
                var component = First(Text(obj, "source.component"), Text(obj, "reportingComponent"));
                var instance = First(Text(obj, "source.host"), Text(obj, "reportingInstance"));
                return instance.Length == 0 ? component : $"{component}, {instance}";
            case "#event-message":
                return Text(obj, "message").Trim();
            case ['$', '.', ..] path:
                // A Go string field of a built-in kind: empty when unset, never <none>.
                return Text(obj, path[2..]);
        }

        var values = JsonPathLite.Evaluate(obj, c.JsonPath);
        if (values.Count == 0 || values[0] is null)
        {
            return c.Type == "date" ? "<unknown>" : null;
        }

        var v = values[0]!;
        if (c.Type == "date")
        {
            var text = JsonPathLite.Text(v);
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? HumanDuration(now - t)
                : "<invalid>";
        }

        return c.Type switch
        {
            "integer" or "number" when v.GetValueKind() == JsonValueKind.Number => v.DeepClone(),
            "boolean" when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.DeepClone(),
            _ => values.Count > 1 ? string.Join(",", values.Select(JsonPathLite.Text)) : JsonPathLite.Text(v),
        };
    }

    private static string EventFirstSeen(JsonObject obj, DateTimeOffset now) =>
        Json.At(obj, "firstTimestamp") is { } first ? Since(first, now)
        : Json.At(obj, "eventTime") is { } eventTime ? Since(eventTime, now)
        : "<unknown>";

    private static string Since(JsonNode time, DateTimeOffset now) =>
        DateTimeOffset.TryParse(JsonPathLite.Text(time), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? HumanDuration(now - t)
            : "<unknown>";

    private static string Text(JsonObject obj, string path) => Json.At(obj, path) is { } v ? JsonPathLite.Text(v) : "";

    private static string First(string a, string b) => a.Length > 0 ? a : b;

    /// <summary>apimachinery's duration.HumanDuration.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }

        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }

        return $"{hours / 24 / 365}y";
    }
}
