using System.Text.Json.Serialization;

namespace SessionAudit.Sandbox.Aws.State;

/// <summary>An S3 bucket with its default encryption and objects.</summary>
[JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
internal sealed class Bucket
{
    public required string Name { get; set; }
    public required string Account { get; set; }
    public required string Region { get; set; }
    public DateTimeOffset CreationDate { get; set; }

    /// <summary>The ServerSideEncryptionConfiguration in member-name JSON, or null when the bucket has none.</summary>
    public System.Text.Json.Nodes.JsonObject? Encryption { get; set; }
    public SortedDictionary<string, S3Object> Objects { get; } = new(StringComparer.Ordinal);
}

/// <summary>One stored S3 object.</summary>
internal sealed class S3Object
{
    public required string Key { get; set; }
    public required byte[] Data { get; set; }
    public string ContentType { get; set; } = "binary/octet-stream";
    public required string ETag { get; set; }
    public DateTimeOffset LastModified { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);
    public string? ChecksumCrc32 { get; set; }
    public string? ServerSideEncryption { get; set; }
    public string? KmsKeyId { get; set; }
}
