using SessionAudit.Aws.Transport;

namespace SessionAudit.Aws.Services.CodePipeline;

/// <summary>Thin CodePipeline client (JSON 1.1, target prefix CodePipeline_20150709). Retries are the caller's.</summary>
public sealed class CodePipelineClient
{
    /// <summary>metadata.targetPrefix.</summary>
    public const string TargetPrefix = "CodePipeline_20150709";

    /// <summary>Creates the client over a channel signed for "codepipeline".</summary>
    public CodePipelineClient(AwsChannel channel) => Protocol = new AwsJsonProtocol(channel, TargetPrefix);

    /// <summary>The wire protocol, for raw requests.</summary>
    public AwsJsonProtocol Protocol { get; }

    /// <summary>GetPipeline.</summary>
    public Task<GetPipelineResponse> GetPipelineAsync(GetPipelineRequest request, CancellationToken cancellationToken) =>
        Protocol.InvokeAsync("GetPipeline", request, CodePipelineJson.Default.GetPipelineRequest, CodePipelineJson.Default.GetPipelineResponse, cancellationToken);
}
