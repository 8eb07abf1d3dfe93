using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using SessionAudit.Aws.Configuration;

namespace SessionAudit.Aws.Transport;

/// <summary>
/// An HttpClient bound to one service, region, endpoint and set of credentials. Requests are signed by
/// AWSSDK.Core's <see cref="SigV4SigningHandler"/>; this project computes no signature of its own.
/// Retries live above this channel (in <see cref="Resilience.AwsCallRunner"/>) so every attempt is re-signed.
/// </summary>
public sealed class AwsChannel
{
    private readonly HttpClient _http;

    /// <summary>Creates a channel over <paramref name="primaryHandler"/>, which must not follow redirects.</summary>
    public AwsChannel(AwsService service, string region, Uri endpoint, AWSCredentials credentials, HttpMessageHandler primaryHandler)
    {
        Service = service;
        Region = region;
        Endpoint = endpoint;
        var signer = new SigV4SigningHandler(credentials, RegionEndpoint.GetBySystemName(region), service.Name, primaryHandler);
        // The primary handler is shared by every channel; its owner disposes it.
        _http = new HttpClient(signer, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The service this channel signs for.</summary>
    public AwsService Service { get; }

    /// <summary>The signing region.</summary>
    public string Region { get; }

    /// <summary>Base endpoint requests go to.</summary>
    public Uri Endpoint { get; }

    /// <summary>Signs and sends one request.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);

    /// <summary>Resolves a path (and query) against the endpoint, keeping any base path the endpoint carries; escapes are kept as given.</summary>
    public Uri Resolve(string pathAndQuery)
    {
        var basePath = Endpoint.AbsolutePath.TrimEnd('/');
        return new Uri($"{Endpoint.Scheme}://{Endpoint.Authority}{basePath}/{pathAndQuery.TrimStart('/')}");
    }
}
