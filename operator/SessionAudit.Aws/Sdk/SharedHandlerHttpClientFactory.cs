using Amazon.Runtime;

namespace SessionAudit.Aws.Sdk;

/// <summary>Lets the SDK clients send through the same primary handler as the thin clients (one connection pool; tests can
/// record), with error answers that carry no AWS error code marked with an excerpt of their body.</summary>
public sealed class SharedHandlerHttpClientFactory : HttpClientFactory
{
    private readonly HttpMessageHandler _handler;

    /// <summary>Wraps <paramref name="handler"/>; its owner disposes it.</summary>
    public SharedHandlerHttpClientFactory(HttpMessageHandler handler) => _handler = new Transport.ErrorExcerptHandler(handler);

    /// <inheritdoc />
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

    /// <inheritdoc />
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    /// <inheritdoc />
    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
}
