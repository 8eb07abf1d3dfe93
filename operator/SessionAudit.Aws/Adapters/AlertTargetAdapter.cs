using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Services.CodePipeline;
using SessionAudit.Aws.Services.Lambda;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>Alert targets: existence (SNS GetTopicAttributes, Lambda GetFunction, CodePipeline GetPipeline) and the
/// resource policies that let EventBridge deliver (SNS Get/SetTopicAttributes, Lambda GetPolicy, Add/RemovePermission).</summary>
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

    public async Task<TopicAccess?> GetTopicAsync(string topicArn, CancellationToken cancellationToken)
    {
        try
        {
            var attributes = await clients.RunAsync(AwsService.Sns, "GetTopicAttributes",
                ct => clients.Sns.GetTopicAttributesAsync(topicArn, ct), cancellationToken).ConfigureAwait(false);
            return new TopicAccess(topicArn, attributes.GetValueOrDefault("Policy"),
                attributes.GetValueOrDefault("KmsMasterKeyId") is { Length: > 0 } key ? key : null,
                string.Equals(attributes.GetValueOrDefault("FifoTopic"), "true", StringComparison.OrdinalIgnoreCase));
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            return null;
        }
    }

    public async Task<FunctionAccess?> GetFunctionPolicyAsync(string functionArn, CancellationToken cancellationToken)
    {
        try
        {
            var policy = await clients.RunAsync(AwsService.Lambda, "GetPolicy",
                ct => clients.Lambda.GetPolicyAsync(functionArn, ct), cancellationToken).ConfigureAwait(false);
            return new FunctionAccess(functionArn, policy.Policy);
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            // GetPolicy answers ResourceNotFoundException both for a function without a policy and for no function.
            return await ExistsAsync(AlertTargetKind.LambdaFunction, functionArn, cancellationToken).ConfigureAwait(false)
                ? new FunctionAccess(functionArn, null)
                : null;
        }
    }

    public Task SetTopicPolicyAsync(string topicArn, string policy, CancellationToken cancellationToken) =>
        clients.RunAsync(AwsService.Sns, "SetTopicAttributes", async ct =>
        {
            await clients.Sns.SetTopicAttributesAsync(topicArn, "Policy", policy, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task AddFunctionPermissionAsync(string functionArn, string statementId, string sourceArn, CancellationToken cancellationToken)
    {
        var request = new AddPermissionRequest
        {
            StatementId = statementId,
            Action = TargetPermissions.LambdaInvoke,
            Principal = TargetPermissions.EventsPrincipal,
            SourceArn = sourceArn,
        };
        return clients.RunAsync(AwsService.Lambda, "AddPermission", async ct =>
        {
            await clients.Lambda.AddPermissionAsync(functionArn, request, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public async Task RemoveFunctionPermissionAsync(string functionArn, string statementId, CancellationToken cancellationToken)
    {
        try
        {
            await clients.RunAsync(AwsService.Lambda, "RemovePermission", async ct =>
            {
                await clients.Lambda.RemovePermissionAsync(functionArn, statementId, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            // Already gone.
        }
    }
}
