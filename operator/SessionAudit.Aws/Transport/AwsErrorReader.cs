using System.Net;
using System.Text.Json;
using System.Xml.Linq;

namespace SessionAudit.Aws.Transport;

/// <summary>Reads error responses in the shapes each AWS protocol uses (JSON <c>__type</c>, query <c>ErrorResponse</c>, REST-JSON <c>X-Amzn-ErrorType</c>).</summary>
internal static class AwsErrorReader
{
    public static async Task<AwsServiceException> ReadAsync(AwsChannel channel, string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var requestId = Header(response, "x-amzn-RequestId") ?? Header(response, "x-amz-request-id");
        var (code, message) = Parse(body, Header(response, "x-amzn-ErrorType"));
        if (code is null)
        {
            // Not an AWS error answer (a proxy, a load balancer, an HTML page): say what came back.
            message = ErrorExcerpt.Describe(response.StatusCode, response.ReasonPhrase, body);
        }

        return new AwsServiceException(channel.Service.Name, operation, response.StatusCode, code, message ?? response.ReasonPhrase ?? "no message", requestId);
    }

    /// <summary>True when a body carries an AWS error code in one of the protocols' shapes.</summary>
    internal static bool HasAwsErrorCode(string body)
    {
        var trimmed = body.AsSpan().TrimStart();
        return (trimmed.StartsWith("{") || trimmed.StartsWith("<")) && Parse(body, null).Code is not null;
    }

    internal static (string? Code, string? Message) Parse(string body, string? errorTypeHeader)
    {
        var code = Clean(errorTypeHeader);
        string? message = null;
        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.StartsWith("{"))
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    code ??= Clean(String(root, "__type") ?? String(root, "code") ?? String(root, "Code"));
                    message = String(root, "message") ?? String(root, "Message") ?? String(root, "errorMessage");
                }
            }
            catch (JsonException)
            {
                message = body;
            }
        }
        else if (trimmed.StartsWith("<"))
        {
            try
            {
                var xml = XDocument.Parse(body);
                var error = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error") ?? xml.Root;
                code ??= Clean(error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value);
                message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
            }
            catch (System.Xml.XmlException)
            {
                message = body;
            }
        }
        else if (body.Length > 0)
        {
            message = body;
        }
        return (code, message);
    }

    // "com.amazonaws.ssm#InvalidDocument" -> "InvalidDocument"; "ResourceNotFoundException:http://..." -> "ResourceNotFoundException".
    private static string? Clean(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var s = raw;
        var hash = s.LastIndexOf('#');
        if (hash >= 0)
        {
            s = s[(hash + 1)..];
        }
        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            s = s[..colon];
        }
        return s.Trim();
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    internal static bool IsSuccess(HttpStatusCode code) => (int)code is >= 200 and < 300;
}
