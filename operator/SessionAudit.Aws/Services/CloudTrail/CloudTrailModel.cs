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

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DescribeTrailsRequest))]
[JsonSerializable(typeof(DescribeTrailsResponse))]
[JsonSerializable(typeof(GetTrailStatusRequest))]
[JsonSerializable(typeof(GetTrailStatusResponse))]
internal sealed partial class CloudTrailJson : JsonSerializerContext;
