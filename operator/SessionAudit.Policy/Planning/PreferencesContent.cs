using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Planning;

/// <summary>Builds the desired preferences document content (AWS-FACTS.md) from a spec, and parses what AWS holds.</summary>
public static class PreferencesContent
{
    /// <summary>Description written when the document has none.</summary>
    public const string DefaultDescription = "Document to hold regional settings for Session Manager";

    /// <summary>The inputs of each setting group.</summary>
    public static IReadOnlyDictionary<SettingGroup, IReadOnlyList<string>> GroupInputs { get; } = new Dictionary<SettingGroup, IReadOnlyList<string>>
    {
        [SettingGroup.S3] = ["s3BucketName", "s3KeyPrefix", "s3EncryptionEnabled"],
        [SettingGroup.CloudWatch] = ["cloudWatchLogGroupName", "cloudWatchEncryptionEnabled", "cloudWatchStreamingEnabled"],
        [SettingGroup.Kms] = ["kmsKeyId"],
    };

    /// <summary>Parses document content; null when it is not a JSON object (the whole document then counts as different).</summary>
    public static JsonObject? Parse(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(content) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The desired content: every input written, those the spec leaves out with AWS defaults; inputs of
    /// <paramref name="held"/> groups keep their value in <paramref name="current"/> (or the AWS default when absent);
    /// inputs and top-level fields the operator does not model are kept as they are.</summary>
    public static JsonObject Desired(SessionLoggingPolicySpec spec, JsonObject? current, IReadOnlySet<SettingGroup>? held = null)
    {
        var inputs = new JsonObject
        {
            ["s3BucketName"] = spec.S3?.BucketName ?? "",
            ["s3KeyPrefix"] = spec.S3?.BucketName is null ? "" : spec.S3.KeyPrefix ?? "",
            ["s3EncryptionEnabled"] = spec.S3?.BucketName is null || (spec.S3.EncryptionRequired ?? true),
            ["cloudWatchLogGroupName"] = spec.CloudWatch?.LogGroupName ?? "",
            ["cloudWatchEncryptionEnabled"] = spec.CloudWatch?.LogGroupName is null || (spec.CloudWatch.EncryptionRequired ?? true),
            ["cloudWatchStreamingEnabled"] = spec.CloudWatch?.LogGroupName is null || (spec.CloudWatch.Streaming ?? true),
            ["kmsKeyId"] = spec.Kms?.KeyId ?? "",
            ["runAsEnabled"] = spec.Session?.RunAs?.Enabled ?? false,
            ["runAsDefaultUser"] = spec.Session?.RunAs is { Enabled: true } r ? r.DefaultUser ?? "" : "",
            ["idleSessionTimeout"] = (spec.Session?.IdleTimeoutMinutes ?? 20).ToString(CultureInfo.InvariantCulture),
            ["maxSessionDuration"] = spec.Session?.MaxDurationMinutes?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["shellProfile"] = new JsonObject
            {
                ["windows"] = spec.Session?.ShellProfile?.Windows ?? "",
                ["linux"] = spec.Session?.ShellProfile?.Linux ?? "",
            },
        };

        var currentInputs = current?["inputs"] as JsonObject;
        var defaults = held is { Count: > 0 } ? AwsDefaults() : null;
        foreach (var group in held ?? new HashSet<SettingGroup>())
        {
            foreach (var name in GroupInputs[group])
            {
                inputs[name] = currentInputs?[name]?.DeepClone() ?? defaults![name]!.DeepClone();
            }
        }

        if (currentInputs is not null)
        {
            foreach (var (name, value) in currentInputs)
            {
                if (!inputs.ContainsKey(name))
                {
                    inputs[name] = value?.DeepClone();
                }
            }
        }

        var document = new JsonObject
        {
            ["schemaVersion"] = "1.0",
            ["description"] = current?["description"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.DeepClone() : DefaultDescription,
            ["sessionType"] = "Standard_Stream",
            ["inputs"] = inputs,
        };
        if (current is not null)
        {
            foreach (var (name, value) in current)
            {
                if (!document.ContainsKey(name))
                {
                    document[name] = value?.DeepClone();
                }
            }
        }

        return document;
    }

    /// <summary>The inputs AWS uses when a field is absent (what the console writes on first save).</summary>
    public static JsonObject AwsDefaults() => (JsonObject)Desired(new SessionLoggingPolicySpec { Region = "us-east-1" }, null)["inputs"]!;

    /// <summary>Canonical JSON text of content (stable property order as built).</summary>
    public static string Serialize(JsonObject content) =>
        content.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
