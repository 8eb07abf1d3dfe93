using System.Net;
using System.Text;

namespace SessionAudit.Aws.Tests.Support;

/// <summary>One request as it left the client, signed.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;

    /// <summary>The service of the SigV4 credential scope: Credential=AKID/date/region/SERVICE/aws4_request.</summary>
    public string? ScopeService => ScopePart(3);

    public string? ScopeRegion => ScopePart(2);

    public string? ScopeAccessKey => ScopePart(0);

    private string? ScopePart(int index)
    {
        var auth = Header("Authorization");
        if (auth is null || !auth.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal)) return null;
        var credential = auth.Split(' ', ',').FirstOrDefault(p => p.StartsWith("Credential=", StringComparison.Ordinal));
        var parts = credential?["Credential=".Length..].Split('/');
        return parts is { Length: 5 } ? parts[index] : null;
    }
}

/// <summary>A transport that records every request and answers with a scripted responder.</summary>
public sealed class RecordingHandler(Func<RecordedRequest, HttpResponseMessage> respond) : HttpMessageHandler
{
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers) headers[h.Key.ToLowerInvariant()] = string.Join(",", h.Value);
        if (request.Content is not null)
        {
            foreach (var h in request.Content.Headers) headers[h.Key.ToLowerInvariant()] = string.Join(",", h.Value);
        }
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        lock (_requests) _requests.Add(recorded);
        var response = respond(recorded);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };

    public static HttpResponseMessage Xml(string xml, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(xml, Encoding.UTF8, "text/xml") };

    public static HttpResponseMessage JsonError(string type, string message, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        Json($$"""{"__type":"{{type}}","message":"{{message}}"}""", status);
}
