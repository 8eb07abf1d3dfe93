using SessionAudit.Aws.Transport;

namespace SessionAudit.Aws.Services.Sns;

/// <summary>Thin SNS client (query protocol, version 2010-03-31). Retries are the caller's.</summary>
public sealed class SnsClient
{
    /// <summary>metadata.apiVersion.</summary>
    public const string ApiVersion = "2010-03-31";

    /// <summary>Creates the client over a channel signed for "sns".</summary>
    public SnsClient(AwsChannel channel) => Protocol = new AwsQueryProtocol(channel, ApiVersion);

    /// <summary>The wire protocol.</summary>
    public AwsQueryProtocol Protocol { get; }

    /// <summary>GetTopicAttributes: the topic's attribute map (Attributes/entry/key,value).</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetTopicAttributesAsync(string topicArn, CancellationToken cancellationToken)
    {
        var result = await Protocol.InvokeAsync("GetTopicAttributes", [new("TopicArn", topicArn)], cancellationToken).ConfigureAwait(false);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var map = result.Elements().FirstOrDefault(e => e.Name.LocalName == "Attributes");
        foreach (var entry in map?.Elements().Where(e => e.Name.LocalName == "entry") ?? [])
        {
            var key = entry.Elements().FirstOrDefault(e => e.Name.LocalName == "key")?.Value;
            if (key is not null)
            {
                attributes[key] = entry.Elements().FirstOrDefault(e => e.Name.LocalName == "value")?.Value ?? "";
            }
        }
        return attributes;
    }

    /// <summary>SetTopicAttributes: sets one attribute (for example Policy).</summary>
    public async Task SetTopicAttributesAsync(string topicArn, string attributeName, string attributeValue, CancellationToken cancellationToken) =>
        await Protocol.InvokeAsync("SetTopicAttributes",
            [new("TopicArn", topicArn), new("AttributeName", attributeName), new("AttributeValue", attributeValue)], cancellationToken).ConfigureAwait(false);
}
