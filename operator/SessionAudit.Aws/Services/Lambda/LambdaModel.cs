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

[JsonSerializable(typeof(GetFunctionResponse))]
internal sealed partial class LambdaJson : JsonSerializerContext;
