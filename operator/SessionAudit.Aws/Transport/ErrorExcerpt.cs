using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace SessionAudit.Aws.Transport;

/// <summary>A short, printable excerpt of an error answer that carries no AWS error code (a proxy's 502 page, an HTML 500),
/// so the failure says what came back instead of the SDK's "See inner exception for details".</summary>
public static partial class ErrorExcerpt
{
    /// <summary>Response header our handler adds to such answers for the SDK clients, whose exception no longer holds the body.</summary>
    public const string Header = "X-SessionAudit-Error-Excerpt";

    private const int MaxLength = 160;

    /// <summary>"HTTP 502 Bad Gateway: 502 Bad Gateway corporate-proxy/1.2" (tags dropped, whitespace folded, cut).</summary>
    public static string Describe(HttpStatusCode status, string? reasonPhrase, string? body)
    {
        var head = $"HTTP {(int)status}" + (string.IsNullOrWhiteSpace(reasonPhrase) ? "" : " " + reasonPhrase);
        var excerpt = Of(body);
        return excerpt.Length == 0 ? head : $"{head}: {excerpt}";
    }

    /// <summary>The body as plain printable ASCII text of at most 160 characters.</summary>
    public static string Of(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return "";
        }

        var text = Tags().Replace(body, " ");
        text = WebUtility.HtmlDecode(text);
        var sb = new StringBuilder(Math.Min(text.Length, MaxLength + 1));
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c > '~' || c is '<' or '>')
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
            if (sb.Length > MaxLength)
            {
                return sb.ToString(0, MaxLength) + "...";
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex("<[^>]*>|<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Tags();
}

/// <summary>Adds <see cref="ErrorExcerpt.Header"/> to error answers whose body is neither AWS JSON nor AWS XML.</summary>
internal sealed class ErrorExcerptHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const int MaxBuffered = 64 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        // Only ours may say what the body held: a header of that name from upstream is dropped.
        response.Headers.Remove(ErrorExcerpt.Header);
        var media = response.Content.Headers.ContentType?.MediaType ?? "";
        if ((int)response.StatusCode < 300 || response.Headers.Contains("x-amzn-ErrorType")
            || media.Contains("json", StringComparison.OrdinalIgnoreCase) || media.Contains("xml", StringComparison.OrdinalIgnoreCase)
            || response.Content.Headers.ContentLength is null or 0 or > MaxBuffered)
        {
            // AWS error shapes (the SDK reads those itself), empty bodies, and bodies too large to hold for an excerpt.
            return response;
        }

        await response.Content.LoadIntoBufferAsync(MaxBuffered, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!AwsErrorReader.HasAwsErrorCode(body))
        {
            response.Headers.TryAddWithoutValidation(ErrorExcerpt.Header, ErrorExcerpt.Of(body));
        }

        return response;
    }
}
