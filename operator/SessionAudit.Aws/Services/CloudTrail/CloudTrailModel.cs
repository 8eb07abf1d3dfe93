using System.Text.Json.Serialization;

namespace SessionAudit.Aws.Services.CloudTrail;

// Member names and types from botocore cloudtrail/2013-11-01/service-2.json.

/// <summary>DescribeTrailsRequest.</summary>
public sealed record DescribeTrailsRequest
{
    /// <summary>trailNameList.</summary>
    [JsonPropertyName("trailNameList")] public IReadOnlyList<string>? TrailNameList { get; init; }
    /// <summary>includeShadowTrails: also return multi-region trails replicated into this region.</summary>
    [JsonPropertyName("includeShadowTrails")] public bool? IncludeShadowTrails { get; init; }
}

/// <summary>DescribeTrailsResponse.</summary>
public sealed record DescribeTrailsResponse
{
    /// <summary>trailList.</summary>
    [JsonPropertyName("trailList")] public IReadOnlyList<Trail>? TrailList { get; init; }
}

/// <summary>Trail.</summary>
public sealed record Trail
{
    /// <summary>Name.</summary>
    public string? Name { get; init; }
    /// <summary>S3BucketName.</summary>
    public string? S3BucketName { get; init; }
    /// <summary>IsMultiRegionTrail.</summary>
    public bool? IsMultiRegionTrail { get; init; }
    /// <summary>HomeRegion.</summary>
    public string? HomeRegion { get; init; }
    /// <summary>TrailARN.</summary>
    public string? TrailARN { get; init; }
    /// <summary>IsOrganizationTrail.</summary>
    public bool? IsOrganizationTrail { get; init; }
    /// <summary>IncludeGlobalServiceEvents.</summary>
    public bool? IncludeGlobalServiceEvents { get; init; }
    /// <summary>HasCustomEventSelectors.</summary>
    public bool? HasCustomEventSelectors { get; init; }
}

/// <summary>GetTrailStatusRequest.</summary>
public sealed record GetTrailStatusRequest
{
    /// <summary>Name: trail name or ARN (required).</summary>
    public required string Name { get; init; }
}

/// <summary>GetTrailStatusResponse (timestamps are epoch seconds on the wire).</summary>
public sealed record GetTrailStatusResponse
{
    /// <summary>IsLogging.</summary>
    public bool? IsLogging { get; init; }
    /// <summary>LatestDeliveryError.</summary>
    public string? LatestDeliveryError { get; init; }
    /// <summary>StartLoggingTime (epoch seconds).</summary>
    public double? StartLoggingTime { get; init; }
    /// <summary>StopLoggingTime (epoch seconds).</summary>
    public double? StopLoggingTime { get; init; }
}

/// <summary>GetEventSelectorsRequest.</summary>
public sealed record GetEventSelectorsRequest
{
    /// <summary>TrailName: trail name or ARN (required).</summary>
    public required string TrailName { get; init; }
}

/// <summary>GetEventSelectorsResponse: basic or advanced selectors, never both.</summary>
public sealed record GetEventSelectorsResponse
{
    /// <summary>TrailARN.</summary>
    public string? TrailARN { get; init; }
    /// <summary>EventSelectors.</summary>
    public IReadOnlyList<EventSelector>? EventSelectors { get; init; }
    /// <summary>AdvancedEventSelectors.</summary>
    public IReadOnlyList<AdvancedEventSelector>? AdvancedEventSelectors { get; init; }
}

/// <summary>EventSelector.</summary>
public sealed record EventSelector
{
    /// <summary>ReadWriteType: ReadOnly, WriteOnly or All.</summary>
    public string? ReadWriteType { get; init; }
    /// <summary>IncludeManagementEvents.</summary>
    public bool? IncludeManagementEvents { get; init; }
    /// <summary>ExcludeManagementEventSources.</summary>
    public IReadOnlyList<string>? ExcludeManagementEventSources { get; init; }
}

/// <summary>AdvancedEventSelector.</summary>
public sealed record AdvancedEventSelector
{
    /// <summary>Name.</summary>
    public string? Name { get; init; }
    /// <summary>FieldSelectors (required).</summary>
    public IReadOnlyList<AdvancedFieldSelector>? FieldSelectors { get; init; }
}

/// <summary>AdvancedFieldSelector.</summary>
public sealed record AdvancedFieldSelector
{
    /// <summary>Field (required).</summary>
    public string? Field { get; init; }
    /// <summary>Equals.</summary>
    [JsonPropertyName("Equals")] public IReadOnlyList<string>? EqualTo { get; init; }
    /// <summary>StartsWith.</summary>
    public IReadOnlyList<string>? StartsWith { get; init; }
    /// <summary>EndsWith.</summary>
    public IReadOnlyList<string>? EndsWith { get; init; }
    /// <summary>NotEquals.</summary>
    [JsonPropertyName("NotEquals")] public IReadOnlyList<string>? NotEqualTo { get; init; }
    /// <summary>NotStartsWith.</summary>
    public IReadOnlyList<string>? NotStartsWith { get; init; }
    /// <summary>NotEndsWith.</summary>
    public IReadOnlyList<string>? NotEndsWith { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetEventSelectorsRequest))]
[JsonSerializable(typeof(GetEventSelectorsResponse))]
[JsonSerializable(typeof(DescribeTrailsRequest))]
[JsonSerializable(typeof(DescribeTrailsResponse))]
[JsonSerializable(typeof(GetTrailStatusRequest))]
[JsonSerializable(typeof(GetTrailStatusResponse))]
internal sealed partial class CloudTrailJson : JsonSerializerContext;
