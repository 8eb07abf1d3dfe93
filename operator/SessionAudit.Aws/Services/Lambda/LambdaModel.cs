using System.Text.Json.Serialization;

namespace SessionAudit.Aws.Services.Lambda;

// Member names and types from botocore lambda/2015-03-31/service-2.json.

/// <summary>GetFunctionResponse (the members this operator reads).</summary>
public sealed record GetFunctionResponse
{
    /// <summary>Configuration.</summary>
    public FunctionConfiguration? Configuration { get; init; }
}

/// <summary>FunctionConfiguration (partial).</summary>
public sealed record FunctionConfiguration
{
    /// <summary>FunctionName.</summary>
    public string? FunctionName { get; init; }
    /// <summary>FunctionArn.</summary>
    public string? FunctionArn { get; init; }
    /// <summary>Runtime.</summary>
    public string? Runtime { get; init; }
    /// <summary>State: Pending, Active, Inactive, Failed.</summary>
    public string? State { get; init; }
    /// <summary>Version.</summary>
    public string? Version { get; init; }
}

/// <summary>GetPolicyResponse.</summary>
public sealed record GetPolicyResponse
{
    /// <summary>Policy: the resource-based policy JSON.</summary>
    public string? Policy { get; init; }
    /// <summary>RevisionId.</summary>
    public string? RevisionId { get; init; }
}

/// <summary>AddPermissionRequest (body members; FunctionName is in the URI).</summary>
public sealed record AddPermissionRequest
{
    /// <summary>StatementId (required).</summary>
    public required string StatementId { get; init; }
    /// <summary>Action (required), for example lambda:InvokeFunction.</summary>
    public required string Action { get; init; }
    /// <summary>Principal (required), for example events.amazonaws.com.</summary>
    public required string Principal { get; init; }
    /// <summary>SourceArn.</summary>
    public string? SourceArn { get; init; }
    /// <summary>SourceAccount.</summary>
    public string? SourceAccount { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetFunctionResponse))]
[JsonSerializable(typeof(GetPolicyResponse))]
[JsonSerializable(typeof(AddPermissionRequest))]
internal sealed partial class LambdaJson : JsonSerializerContext;
