namespace SessionAudit.Aws.Transport;

/// <summary>The AWS REST-JSON protocol: method and URI from the model's http trait; members bound to the path, query or JSON body.</summary>
public sealed class AwsRestJsonProtocol
{
    /// <summary>Creates the protocol over a channel.</summary>
    public AwsRestJsonProtocol(AwsChannel channel) => Channel = channel;

    /// <summary>The signed channel.</summary>
    public AwsChannel Channel { get; }

    /// <summary>Sends a GET to <paramref name="pathAndQuery"/> (already escaped) and returns the JSON body.</summary>
    public async Task<string> GetAsync(string operation, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, Channel.Resolve(pathAndQuery));
        using var response = await Channel.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (!AwsErrorReader.IsSuccess(response.StatusCode))
        {
            throw await AwsErrorReader.ReadAsync(Channel, operation, response, cancellationToken).ConfigureAwait(false);
        }
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="method"/> to <paramref name="pathAndQuery"/> (already escaped) with an optional JSON body and returns the JSON body (empty for 204).</summary>
    public async Task<string> SendAsync(HttpMethod method, string operation, string pathAndQuery, string? jsonBody, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(method, Channel.Resolve(pathAndQuery));
        if (jsonBody is not null)
        {
            message.Content = new StringContent(jsonBody, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await Channel.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (!AwsErrorReader.IsSuccess(response.StatusCode))
        {
            throw await AwsErrorReader.ReadAsync(Channel, operation, response, cancellationToken).ConfigureAwait(false);
        }
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Escapes one URI label the way botocore does for non-greedy labels (everything but unreserved characters).</summary>
    public static string EscapeLabel(string value) => Uri.EscapeDataString(value);
}
