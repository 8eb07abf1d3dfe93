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

    /// <summary>Escapes one URI label the way botocore does for non-greedy labels (everything but unreserved characters).</summary>
    public static string EscapeLabel(string value) => Uri.EscapeDataString(value);
}
