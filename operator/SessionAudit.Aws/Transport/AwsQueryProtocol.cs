using System.Xml.Linq;

namespace SessionAudit.Aws.Transport;

/// <summary>The AWS query protocol: POST / with a form body <c>Action=..&amp;Version=..</c>; the answer is XML with a &lt;Action&gt;Result element.</summary>
public sealed class AwsQueryProtocol
{
    /// <summary>Creates the protocol over a channel with the model's apiVersion (for example "2010-03-31").</summary>
    public AwsQueryProtocol(AwsChannel channel, string apiVersion)
    {
        Channel = channel;
        ApiVersion = apiVersion;
    }

    /// <summary>The signed channel.</summary>
    public AwsChannel Channel { get; }

    /// <summary>metadata.apiVersion of the model.</summary>
    public string ApiVersion { get; }

    /// <summary>Sends the action with its flattened parameters and returns the &lt;Action&gt;Result element (or the root when absent).</summary>
    public async Task<XElement> InvokeAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", ApiVersion) };
        form.AddRange(parameters);
        using var message = new HttpRequestMessage(HttpMethod.Post, Channel.Resolve("/")) { Content = new FormUrlEncodedContent(form) };
        using var response = await Channel.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (!AwsErrorReader.IsSuccess(response.StatusCode))
        {
            throw await AwsErrorReader.ReadAsync(Channel, action, response, cancellationToken).ConfigureAwait(false);
        }
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var root = XDocument.Parse(body).Root ?? throw new FormatException($"{Channel.Service.Name} {action}: empty XML response");
        return root.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result") ?? root;
    }
}
