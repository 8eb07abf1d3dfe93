using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SessionAudit.Aws.Transport;

/// <summary>The AWS JSON 1.1 protocol: POST / with <c>X-Amz-Target: {prefix}.{Operation}</c> and an application/x-amz-json-1.1 body.</summary>
public sealed class AwsJsonProtocol
{
    private static readonly MediaTypeHeaderValue ContentType = new("application/x-amz-json-1.1");

    /// <summary>Creates the protocol over a channel with the model's targetPrefix (for example "AWSEvents").</summary>
    public AwsJsonProtocol(AwsChannel channel, string targetPrefix)
    {
        Channel = channel;
        TargetPrefix = targetPrefix;
    }

    /// <summary>The signed channel.</summary>
    public AwsChannel Channel { get; }

    /// <summary>metadata.targetPrefix of the model.</summary>
    public string TargetPrefix { get; }

    /// <summary>Sends <paramref name="request"/> as operation <paramref name="operation"/> and reads the typed response.</summary>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(request, requestType);
        var json = await InvokeRawAsync(operation, body, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(json.Length == 0 ? "{}" : json, responseType)
            ?? throw new JsonException($"{Channel.Service.Name} {operation}: empty response");
    }

    /// <summary>Sends a raw JSON body (used as-is) and returns the raw response body; an error response throws <see cref="AwsServiceException"/>.</summary>
    public async Task<string> InvokeRawAsync(string operation, string jsonBody, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, Channel.Resolve("/"));
        message.Headers.TryAddWithoutValidation("X-Amz-Target", $"{TargetPrefix}.{operation}");
        message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(jsonBody));
        message.Content.Headers.ContentType = ContentType;
        using var response = await Channel.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (!AwsErrorReader.IsSuccess(response.StatusCode))
        {
            throw await AwsErrorReader.ReadAsync(Channel, operation, response, cancellationToken).ConfigureAwait(false);
        }
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }
}
