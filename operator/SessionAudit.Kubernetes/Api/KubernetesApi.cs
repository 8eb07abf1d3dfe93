using System.Net;
using System.Net.Http.Headers;
using System.Text;
using k8s;
using k8s.Authentication;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Api;

/// <summary>
/// Thin JSON-over-HTTP access to the Kubernetes API, reusing the TLS and credentials of a
/// <see cref="k8s.Kubernetes"/> client. The runtime talks HTTP itself so that watches are read as
/// newline-delimited JSON (a `kind: Status` ERROR event is an ordinary line, not a lost exception)
/// and every request has a deadline.
/// </summary>
public sealed class KubernetesApi
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient http;
    private readonly Uri baseUri;
    private readonly ServiceClientCredentials? credentials;

    /// <summary>Wraps the HTTP pipeline of an official client.</summary>
    public KubernetesApi(k8s.Kubernetes client, TimeSpan? requestTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        http = client.HttpClient;
        var b = client.BaseUri.AbsoluteUri;
        baseUri = new Uri(b.EndsWith('/') ? b : b + "/");
        credentials = client.Credentials;
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>Deadline of every request except watches (which end by `timeoutSeconds` and the idle watchdog).</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>GETs and deserialises; null on 404.</summary>
    public async Task<T?> GetAsync<T>(string path, CancellationToken ct)
        where T : class
    {
        try
        {
            return await SendAsync<T>(HttpMethod.Get, path, null, null, ct).ConfigureAwait(false);
        }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>GETs one object of a resource type; null on 404.</summary>
    public Task<T?> GetAsync<T>(ResourceDescriptor resource, ResourceKey key, CancellationToken ct)
        where T : class => GetAsync<T>(resource.ObjectPath(key), ct);

    /// <summary>POSTs a new object into a collection.</summary>
    public Task<T> CreateAsync<T>(ResourceDescriptor resource, string? ns, T body, CancellationToken ct)
        where T : class => SendAsync<T>(HttpMethod.Post, resource.CollectionPath(ns), KubernetesJson.Serialize(body), Json, ct);

    /// <summary>PUTs an object; the resourceVersion in its metadata makes it a compare-and-swap (409 on conflict).</summary>
    public Task<T> ReplaceAsync<T>(ResourceDescriptor resource, ResourceKey key, T body, CancellationToken ct)
        where T : class => SendAsync<T>(HttpMethod.Put, resource.ObjectPath(key), KubernetesJson.Serialize(body), Json, ct);

    /// <summary>PUTs an object to its `/status` subresource.</summary>
    public Task<T> ReplaceStatusAsync<T>(ResourceDescriptor resource, ResourceKey key, T body, CancellationToken ct)
        where T : class => SendAsync<T>(HttpMethod.Put, resource.ObjectPath(key) + "/status", KubernetesJson.Serialize(body), Json, ct);

    /// <summary>PATCHes an object with an RFC 7386 JSON merge patch.</summary>
    public Task<T> MergePatchAsync<T>(ResourceDescriptor resource, ResourceKey key, string patch, CancellationToken ct, bool status = false)
        where T : class => SendAsync<T>(HttpMethod.Patch, resource.ObjectPath(key) + (status ? "/status" : ""), patch, new MediaTypeHeaderValue("application/merge-patch+json"), ct);

    /// <summary>Sends a request and deserialises the JSON answer; throws <see cref="KubernetesApiException"/> on non-success.</summary>
    public async Task<T> SendAsync<T>(HttpMethod method, string path, string? body, MediaTypeHeaderValue? contentType, CancellationToken ct)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        using var response = await SendRawAsync(method, path, body, contentType, timeout.Token).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new KubernetesApiException(response.StatusCode, method.Method, path, text);
        }

        return KubernetesJson.Deserialize<T>(text);
    }

    /// <summary>Opens a streaming response (a watch); the caller disposes it. Throws on non-success.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken ct)
    {
        var response = await SendRawAsync(HttpMethod.Get, path, null, null, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                throw new KubernetesApiException(response.StatusCode, "GET", path, text);
            }
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? body, MediaTypeHeaderValue? contentType, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(baseUri, path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType ?? Json;
        }

        if (credentials is not null)
        {
            await credentials.ProcessHttpRequestAsync(request, ct).ConfigureAwait(false);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
    }
}
