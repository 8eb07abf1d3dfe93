using System.Text.Json;
using SessionAudit.Aws.Transport;

namespace SessionAudit.Aws.Services.Lambda;

/// <summary>Thin Lambda client (REST-JSON). Retries are the caller's.</summary>
public sealed class LambdaClient
{
    /// <summary>Creates the client over a channel signed for "lambda".</summary>
    public LambdaClient(AwsChannel channel) => Protocol = new AwsRestJsonProtocol(channel);

    /// <summary>The wire protocol.</summary>
    public AwsRestJsonProtocol Protocol { get; }

    /// <summary>GetFunction: GET /2015-03-31/functions/{FunctionName}[?Qualifier=].</summary>
    public async Task<GetFunctionResponse> GetFunctionAsync(string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var path = "/2015-03-31/functions/" + AwsRestJsonProtocol.EscapeLabel(functionName);
        if (qualifier is not null)
        {
            path += "?Qualifier=" + Uri.EscapeDataString(qualifier);
        }
        var json = await Protocol.GetAsync("GetFunction", path, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(json, LambdaJson.Default.GetFunctionResponse) ?? new GetFunctionResponse();
    }

    /// <summary>GetPolicy: GET /2015-03-31/functions/{FunctionName}/policy.</summary>
    public async Task<GetPolicyResponse> GetPolicyAsync(string functionName, CancellationToken cancellationToken)
    {
        var json = await Protocol.GetAsync("GetPolicy", "/2015-03-31/functions/" + AwsRestJsonProtocol.EscapeLabel(functionName) + "/policy", cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(json, LambdaJson.Default.GetPolicyResponse) ?? new GetPolicyResponse();
    }

    /// <summary>AddPermission: POST /2015-03-31/functions/{FunctionName}/policy (201).</summary>
    public async Task AddPermissionAsync(string functionName, AddPermissionRequest request, CancellationToken cancellationToken) =>
        await Protocol.SendAsync(HttpMethod.Post, "AddPermission", "/2015-03-31/functions/" + AwsRestJsonProtocol.EscapeLabel(functionName) + "/policy",
            JsonSerializer.Serialize(request, LambdaJson.Default.AddPermissionRequest), cancellationToken).ConfigureAwait(false);

    /// <summary>RemovePermission: DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId} (204).</summary>
    public async Task RemovePermissionAsync(string functionName, string statementId, CancellationToken cancellationToken) =>
        await Protocol.SendAsync(HttpMethod.Delete, "RemovePermission",
            "/2015-03-31/functions/" + AwsRestJsonProtocol.EscapeLabel(functionName) + "/policy/" + AwsRestJsonProtocol.EscapeLabel(statementId), null, cancellationToken).ConfigureAwait(false);
}
