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

/// <summary>DescribeLogStreamsRequest (the members this operator uses). logStreamNamePrefix cannot be combined with
/// orderBy=LastEventTime, so orderBy is left at its default (LogStreamName).</summary>
public sealed record DescribeLogStreamsRequest
{
    /// <summary>logGroupName (required; 1..512).</summary>
    [JsonPropertyName("logGroupName")] public required string LogGroupName { get; init; }
    /// <summary>logStreamNamePrefix (1..512, no ':' or '*').</summary>
    [JsonPropertyName("logStreamNamePrefix")] public string? LogStreamNamePrefix { get; init; }
    /// <summary>nextToken.</summary>
    [JsonPropertyName("nextToken")] public string? NextToken { get; init; }
    /// <summary>limit (1..50, default 50).</summary>
    [JsonPropertyName("limit")] public int? Limit { get; init; }
}

/// <summary>DescribeLogStreamsResponse.</summary>
public sealed record DescribeLogStreamsResponse
{
    /// <summary>logStreams.</summary>
    [JsonPropertyName("logStreams")] public IReadOnlyList<LogStream>? LogStreams { get; init; }
    /// <summary>nextToken.</summary>
    [JsonPropertyName("nextToken")] public string? NextToken { get; init; }
}

/// <summary>LogStream (the members this operator reads).</summary>
public sealed record LogStream
{
    /// <summary>logStreamName.</summary>
    [JsonPropertyName("logStreamName")] public string? LogStreamName { get; init; }
    /// <summary>creationTime (epoch milliseconds).</summary>
    [JsonPropertyName("creationTime")] public long? CreationTime { get; init; }
    /// <summary>lastEventTimestamp (epoch milliseconds).</summary>
    [JsonPropertyName("lastEventTimestamp")] public long? LastEventTimestamp { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DescribeLogGroupsRequest))]
[JsonSerializable(typeof(DescribeLogGroupsResponse))]
[JsonSerializable(typeof(DescribeLogStreamsRequest))]
[JsonSerializable(typeof(DescribeLogStreamsResponse))]
internal sealed partial class LogsJson : JsonSerializerContext;
