using System.Text.Json.Nodes;

namespace SessionAudit.Policy.Planning;

/// <summary>One field that differs between AWS and the desired state.</summary>
/// <param name="Path">Field path, for example inputs.s3BucketName.</param>
/// <param name="Current">Value in AWS; null when absent.</param>
/// <param name="Desired">Value wanted; null when it should be absent.</param>
public sealed record FieldChange(string Path, JsonNode? Current, JsonNode? Desired)
{
    /// <summary>"path: current -> desired" with JSON literals.</summary>
    public override string ToString() =>
        $"{Path}: {Current?.ToJsonString() ?? "(absent)"} -> {Desired?.ToJsonString() ?? "(absent)"}";
}

/// <summary>Compares two JSON objects field by field (never as strings): types matter, so "true" is not true.</summary>
public static class JsonFieldDiff
{
    /// <summary>Leaf paths whose values differ, in desired-then-current order.</summary>
    public static IReadOnlyList<FieldChange> Compare(JsonObject desired, JsonObject? current)
    {
        var changes = new List<FieldChange>();
        Walk("", desired, current, changes);
        return changes;
    }

    private static void Walk(string prefix, JsonObject desired, JsonObject? current, List<FieldChange> changes)
    {
        foreach (var (name, want) in desired)
        {
            var path = prefix.Length == 0 ? name : prefix + "." + name;
            JsonNode? have = null;
            var present = current is not null && current.TryGetPropertyValue(name, out have);
            if (want is JsonObject wantObject && have is JsonObject haveObject)
            {
                Walk(path, wantObject, haveObject, changes);
            }
            else if (!present || !JsonNode.DeepEquals(want, have))
            {
                changes.Add(new FieldChange(path, present ? have?.DeepClone() : null, want?.DeepClone()));
            }
        }

        if (current is null)
        {
            return;
        }

        foreach (var (name, have) in current)
        {
            if (!desired.ContainsKey(name))
            {
                changes.Add(new FieldChange(prefix.Length == 0 ? name : prefix + "." + name, have?.DeepClone(), null));
            }
        }
    }
}
