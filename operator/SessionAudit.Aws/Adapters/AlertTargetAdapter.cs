using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Services.CodePipeline;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>Existence of alert targets: SNS GetTopicAttributes, Lambda GetFunction, CodePipeline GetPipeline.</summary>
internal sealed class AlertTargetAdapter(AwsClients clients) : IAlertTargetPort
{
    public async Task<bool> ExistsAsync(AlertTargetKind kind, string arn, CancellationToken cancellationToken)
    {
        try
        {
            switch (kind)
            {
                case AlertTargetKind.SnsTopic:
                    await clients.RunAsync(AwsService.Sns, "GetTopicAttributes",
                        ct => clients.Sns.GetTopicAttributesAsync(arn, ct), cancellationToken).ConfigureAwait(false);
                    return true;
                case AlertTargetKind.LambdaFunction:
                    await clients.RunAsync(AwsService.Lambda, "GetFunction",
                        ct => clients.Lambda.GetFunctionAsync(arn, null, ct), cancellationToken).ConfigureAwait(false);
                    return true;
                case AlertTargetKind.CodePipeline:
                    // GetPipeline takes the name: the last field of arn:aws:codepipeline:region:account:name.
                    var name = arn.StartsWith("arn:", StringComparison.Ordinal) ? arn[(arn.LastIndexOf(':') + 1)..] : arn;
                    await clients.RunAsync(AwsService.CodePipeline, "GetPipeline",
                        ct => clients.CodePipeline.GetPipelineAsync(new GetPipelineRequest { Name = name }, ct), cancellationToken).ConfigureAwait(false);
                    return true;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown alert target kind");
            }
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            return false;
        }
    }
}
