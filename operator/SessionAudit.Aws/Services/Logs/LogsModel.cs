using System.Text.Json.Serialization;

namespace SessionAudit.Aws.Services.Logs;

// Member names and types from botocore logs/2014-03-28/service-2.json.

/// <summary>DescribeLogGroupsRequest (the members this operator uses).</summary>
public sealed record DescribeLogGroupsRequest
{
    /// <summary>logGroupNamePrefix.</summary>
    [JsonPropertyName("logGroupNamePrefix")] public string? LogGroupNamePrefix { get; init; }
    /// <summary>nextToken.</summary>
    [JsonPropertyName("nextToken")] public string? NextToken { get; init; }
    /// <summary>limit (1..50).</summary>
    [JsonPropertyName("limit")] public int? Limit { get; init; }
}

/// <summary>DescribeLogGroupsResponse.</summary>
public sealed record DescribeLogGroupsResponse
{
    /// <summary>logGroups.</summary>
    [JsonPropertyName("logGroups")] public IReadOnlyList<LogGroup>? LogGroups { get; init; }
    /// <summary>nextToken.</summary>
    [JsonPropertyName("nextToken")] public string? NextToken { get; init; }
}

/// <summary>LogGroup.</summary>
public sealed record LogGroup
{
    /// <summary>logGroupName.</summary>
    [JsonPropertyName("logGroupName")] public string? LogGroupName { get; init; }
    /// <summary>creationTime (epoch milliseconds).</summary>
    [JsonPropertyName("creationTime")] public long? CreationTime { get; init; }
    /// <summary>retentionInDays.</summary>
    [JsonPropertyName("retentionInDays")] public int? RetentionInDays { get; init; }
    /// <summary>arn.</summary>
    [JsonPropertyName("arn")] public string? Arn { get; init; }
    /// <summary>kmsKeyId: the KMS key ARN when the group is encrypted.</summary>
    [JsonPropertyName("kmsKeyId")] public string? KmsKeyId { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DescribeLogGroupsRequest))]
[JsonSerializable(typeof(DescribeLogGroupsResponse))]
internal sealed partial class LogsJson : JsonSerializerContext;
