using System.Net.Http.Headers;
using System.Text;
using k8s;
using k8s.Authentication;
using k8s.Models;
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
    private readonly TimeProvider time;

    /// <summary>
    /// Wraps the HTTP pipeline of an official client. <paramref name="fieldManager"/> is sent as the `fieldManager` query
    /// parameter of every create, update and patch (client-go's FieldManager option), so managedFields name us.
    /// </summary>
    public KubernetesApi(k8s.Kubernetes client, TimeSpan? requestTimeout = null, string? fieldManager = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        http = client.HttpClient;
        var b = client.BaseUri.AbsoluteUri;
        baseUri = new Uri(b.EndsWith('/') ? b : b + "/");
        credentials = client.Credentials;
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30);
        FieldManager = string.IsNullOrEmpty(fieldManager) ? null : fieldManager;
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>Deadline of every request except watches (which end by `timeoutSeconds` and the idle watchdog).</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>The `fieldManager` of writes; null sends none (the server then takes the User-Agent).</summary>
    public string? FieldManager { get; }

    /// <summary>
    /// Retries of one request answered 429 or 5xx with `Retry-After`: client-go's default (rest.Request maxRetries 10).
    /// </summary>
    public int MaxRetryAfterRetries { get; init; } = 10;

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

    /// <summary>
    /// The value of <paramref name="key"/> in the `data` of Secret <paramref name="ns"/>/<paramref name="name"/>, decoded
    /// from base64 as UTF-8; null when the Secret does not exist or has no such key. Other failures throw
    /// <see cref="KubernetesApiException"/> as every request does (403 when RBAC does not grant `get` on it).
    /// </summary>
    public async Task<string?> ReadSecretValueAsync(string ns, string name, string key, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var secret = await GetAsync<V1Secret>(ResourceDescriptor.Secret, new ResourceKey(ns, name), ct).ConfigureAwait(false);
        return secret?.Data is { } data && data.TryGetValue(key, out var bytes) && bytes is not null
            ? Encoding.UTF8.GetString(bytes)
            : null;
    }

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
        for (var retries = 0; ; retries++)
        {
            // The deadline is per attempt (a server that asks us to come back later has not used our time) and on the
            // real clock: it bounds a network wait, which a test's clock does not drive.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
            linked.CancelAfter(RequestTimeout);
            TimeSpan wait;
            using (var response = await SendRawAsync(method, path, body, contentType, linked.Token).ConfigureAwait(false))
            {
                var text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return KubernetesJson.Deserialize<T>(text);
                }

                if (retries >= MaxRetryAfterRetries || RetryAfter(response) is not { } after)
                {
                    throw new KubernetesApiException(response.StatusCode, method.Method, path, text);
                }

                wait = after;
            }

            await Task.Delay(wait, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// client-go's checkWait (rest/request.go): a 429 or 5xx that carries `Retry-After: N` (whole seconds) is retried
    /// after at least N seconds. API Priority and Fairness answers 429 so, and a server shutting down answers 429/5xx so;
    /// without the header the caller's own backoff applies.
    /// </summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        if (code != 429 && code < 500)
        {
            return null;
        }

        if (response.Headers.RetryAfter is { Delta: { } delta })
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        // Go's strconv.Atoi of the raw header; dates and garbage are not waited for, as in client-go.
        return response.Headers.TryGetValues("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : null;
    }

    /// <summary>Opens a streaming response (a watch); the caller disposes it. Throws on non-success.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken ct)
    {
        for (var retries = 0; ; retries++)
        {
            var response = await SendRawAsync(HttpMethod.Get, path, null, null, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            TimeSpan wait;
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (retries >= MaxRetryAfterRetries || RetryAfter(response) is not { } after)
                {
                    throw new KubernetesApiException(response.StatusCode, "GET", path, text);
                }

                wait = after;
            }

            await Task.Delay(wait, time, ct).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? body, MediaTypeHeaderValue? contentType, CancellationToken ct)
    {
        if (FieldManager is not null && (method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch) && !path.Contains("fieldManager=", StringComparison.Ordinal))
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "fieldManager=" + Uri.EscapeDataString(FieldManager);
        }

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
