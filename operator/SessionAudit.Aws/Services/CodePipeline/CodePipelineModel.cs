using System.Text.Json.Serialization;

namespace SessionAudit.Aws.Services.CodePipeline;

// Member names and types from botocore codepipeline/2015-07-09/service-2.json.

/// <summary>GetPipelineInput.</summary>
public sealed record GetPipelineRequest
{
    /// <summary>name (required).</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }
    /// <summary>version.</summary>
    [JsonPropertyName("version")] public int? Version { get; init; }
}

/// <summary>GetPipelineOutput (the members this operator reads).</summary>
public sealed record GetPipelineResponse
{
    /// <summary>pipeline.</summary>
    [JsonPropertyName("pipeline")] public PipelineDeclaration? Pipeline { get; init; }
    /// <summary>metadata.</summary>
    [JsonPropertyName("metadata")] public PipelineMetadata? Metadata { get; init; }
}

/// <summary>PipelineDeclaration (partial).</summary>
public sealed record PipelineDeclaration
{
    /// <summary>name.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }
    /// <summary>roleArn.</summary>
    [JsonPropertyName("roleArn")] public string? RoleArn { get; init; }
    /// <summary>version.</summary>
    [JsonPropertyName("version")] public int? Version { get; init; }
}

/// <summary>PipelineMetadata (partial).</summary>
public sealed record PipelineMetadata
{
    /// <summary>pipelineArn.</summary>
    [JsonPropertyName("pipelineArn")] public string? PipelineArn { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetPipelineRequest))]
[JsonSerializable(typeof(GetPipelineResponse))]
internal sealed partial class CodePipelineJson : JsonSerializerContext;
