using System.Globalization;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Telemetry;

namespace SessionAudit.Kubernetes.Informer;

/// <summary>
/// Reflector and cache in one: lists (paginated), then watches from the list's resourceVersion with
/// bookmarks, a random server timeout and an idle watchdog; relists on 410/Expired; reconnects with
/// jittered exponential backoff. Applies every change to a <see cref="ResourceCache{T}"/> and tells a handler.
/// Usable on its own (benchmarks, tools) or under a controller.
/// </summary>
public sealed class Informer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly KubernetesApi api;
    private readonly ResourceDescriptor resource;
    private readonly InformerOptions options;
    private readonly IInformerHandler<T>? handler;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly KeyValuePair<string, object?> nameTag;
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates an informer filling <paramref name="cache"/>.</summary>
    public Informer(
        KubernetesApi api,
        ResourceDescriptor resource,
        ResourceCache<T> cache,
        InformerOptions? options = null,
        IInformerHandler<T>? handler = null,
        TimeProvider? time = null,
        ILogger? logger = null)
    {
        this.api = api;
        this.resource = resource;
        Cache = cache;
        this.options = options ?? new InformerOptions();
        this.handler = handler;
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
        nameTag = ControllerTelemetry.Tag("controller", resource.Kind);
    }

    /// <summary>The cache this informer fills.</summary>
    public ResourceCache<T> Cache { get; }

    /// <summary>
    /// The resourceVersion the next watch starts from: the list's, then that of every event delivered (bookmarks
    /// included). Null before the first list.
    /// </summary>
    public string? LastResourceVersion { get; private set; }

    /// <summary>True once this informer's first list is applied (a shared cache may have synced in an earlier run).</summary>
    public bool HasSynced => synced.Task.IsCompleted;

    /// <summary>Completes once this informer's first list is applied and its handler told of every listed object.</summary>
    public Task WaitForSyncAsync(CancellationToken ct) => synced.Task.WaitAsync(ct);

    /// <summary>Lists and watches until <paramref name="ct"/> fires. Never throws except on cancellation.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = options.BackoffInitial;
        string? rv = null;
        var consecutiveExpired = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (rv is null)
                {
                    rv = await ListAsync(ct).ConfigureAwait(false);
                }

                var ending = await WatchOnceAsync(rv, ct).ConfigureAwait(false);
                rv = LastResourceVersion;
                ControllerTelemetry.WatchRestarts.Add(1, nameTag, ControllerTelemetry.Tag("reason", ending));
                if (ending == WatchEnding.Expired)
                {
                    rv = null;
                    if (++consecutiveExpired > 1)
                    {
                        await DelayAsync(ref backoff, ct).ConfigureAwait(false);
                    }
                }
                else
                {
                    consecutiveExpired = 0;
                    backoff = options.BackoffInitial;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (KubernetesApiException e) when (e.IsExpired)
            {
                RuntimeLog.ResourceVersionExpired(logger, resource.Kind, rv);
                ControllerTelemetry.WatchRestarts.Add(1, nameTag, ControllerTelemetry.Tag("reason", WatchEnding.Expired));
                rv = null;
                if (++consecutiveExpired > 1)
                {
                    await DelayAsync(ref backoff, ct).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                // A watch that broke mid-stream (reset, a non-410 ERROR event) resumes from the last resourceVersion it
                // delivered, as client-go's reflector does; the version it started from would replay what we applied.
                if (rv is not null)
                {
                    rv = LastResourceVersion;
                }

                RuntimeLog.WatchFailed(logger, resource.Kind, backoff, e);
                ControllerTelemetry.WatchRestarts.Add(1, nameTag, ControllerTelemetry.Tag("reason", "error"));
                await DelayAsync(ref backoff, ct).ConfigureAwait(false);
            }
        }

        ct.ThrowIfCancellationRequested();
    }

    private Task DelayAsync(ref TimeSpan backoff, CancellationToken ct)
    {
        // Full jitter on the upper half: spreads a fleet's reconnects without ever waiting less than half.
        var jittered = TimeSpan.FromTicks((long)(backoff.Ticks * (0.5 + (Random.Shared.NextDouble() * 0.5))));
        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.BackoffMax.Ticks));
        return Task.Delay(jittered, time, ct);
    }

    private async Task<string> ListAsync(CancellationToken ct)
    {
        ControllerTelemetry.Relists.Add(1, nameTag, ControllerTelemetry.Tag("reason", HasSynced ? "expired" : "initial"));
        var seen = new Dictionary<ResourceKey, T>();
        string? cont = null;
        string rv;
        do
        {
            var path = new StringBuilder(resource.CollectionPath(options.Namespace))
                .Append("?limit=").Append(options.PageSize.ToString(CultureInfo.InvariantCulture));
            if (cont is not null)
            {
                path.Append("&continue=").Append(Uri.EscapeDataString(cont));
            }

            var page = await api.SendAsync<ObjectList>(HttpMethod.Get, path.ToString(), null, null, ct).ConfigureAwait(false);
            foreach (var item in page.Items ?? [])
            {
                seen[ResourceKey.Of(item)] = item;
            }

            cont = string.IsNullOrEmpty(page.Metadata?.ContinueProperty) ? null : page.Metadata.ContinueProperty;
            rv = page.Metadata?.ResourceVersion ?? "";
        }
        while (cont is not null);

        // Replace: deletions missed while not watching become OnDelete; unchanged objects stay silent.
        foreach (var key in Cache.Keys())
        {
            if (!seen.ContainsKey(key) && Cache.Remove(key, out var gone) && gone is not null)
            {
                handler?.OnDelete(gone);
            }
        }

        // The first list of this informer tells the handler of every object, also of those a shared cache already
        // holds from an earlier run (a new leadership term): each is reconciled now, not at the next resync.
        var firstList = !HasSynced;
        foreach (var (key, obj) in seen)
        {
            Apply(key, obj, firstList);
        }

        Cache.MarkSynced();
        synced.TrySetResult();
        RuntimeLog.Listed(logger, resource.Kind, seen.Count, rv);
        LastResourceVersion = rv;
        return rv;
    }

    private void Apply(ResourceKey key, T obj, bool announce = false)
    {
        if (options.StripManagedFields && obj.Metadata is { } meta)
        {
            // A third of a cached object's memory, and nothing a controller reads (controller-runtime's
            // TransformStripManagedFields); an update sent without them leaves the server's copy as it is.
            meta.ManagedFields = null;
        }

        var old = Cache.Get(key);
        Cache.Set(key, obj);
        if (old is not null && old.Metadata?.Uid != obj.Metadata?.Uid)
        {
            // Deleted and re-created under the same name while we were not watching (a relist shows a new uid): to the
            // handler that is a delete of the old object and an add of a new one, never an update of the old.
            handler?.OnDelete(old);
            handler?.OnAdd(obj);
        }
        else if (old is null || announce)
        {
            handler?.OnAdd(obj);
        }
        else if (old.Metadata?.ResourceVersion != obj.Metadata?.ResourceVersion)
        {
            handler?.OnUpdate(old, obj);
        }
    }

    private async Task<string> WatchOnceAsync(string rv, CancellationToken ct)
    {
        var min = (int)options.WatchTimeoutMin.TotalSeconds;
        var max = (int)options.WatchTimeoutMax.TotalSeconds;
        var timeoutSeconds = Random.Shared.Next(min, max + 1);
        var path = $"{resource.CollectionPath(options.Namespace)}?watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(rv)}&timeoutSeconds={timeoutSeconds.ToString(CultureInfo.InvariantCulture)}";

        // Bookmarks are not guaranteed (the watch cache sends them only after events or progress notifications), so
        // silence alone says nothing: a healthy server ends every watch by its timeoutSeconds, counted from the request.
        // The watchdog is therefore a deadline from the start, WatchIdleTimeout beyond that: only a connection that hangs
        // (the server's end never arrived) reaches it, whether or not events came before.
        var watchdog = TimeSpan.FromSeconds(timeoutSeconds) + options.WatchIdleTimeout;
        using var hung = new CancellationTokenSource(watchdog, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, hung.Token);
        try
        {
            using var response = await api.OpenStreamAsync(path, linked.Token).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (true)
            {
                var line = await reader.ReadLineAsync(linked.Token).ConfigureAwait(false);
                if (line is null)
                {
                    return WatchEnding.Closed;
                }

                if (line.Length == 0)
                {
                    continue;
                }

                var next = HandleLine(line, rv);
                if (next is null)
                {
                    return WatchEnding.Expired;
                }

                // Per event, as client-go's reflector: whatever ends this watch, the next resumes after what was applied.
                rv = next;
                LastResourceVersion = next;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && hung.IsCancellationRequested)
        {
            RuntimeLog.WatchIdle(logger, resource.Kind, watchdog);
            return WatchEnding.Idle;
        }
    }

    /// <summary>Applies one watch line; returns the new resourceVersion, or null when the watch must relist.</summary>
    private string? HandleLine(string line, string rv)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (!root.TryGetProperty("object", out var obj))
        {
            return rv;
        }

        switch (type)
        {
            case "ADDED":
            case "MODIFIED":
                {
                    var item = KubernetesJson.Deserialize<T>(obj.GetRawText());
                    Apply(ResourceKey.Of(item), item);
                    return item.Metadata?.ResourceVersion ?? rv;
                }

            case "DELETED":
                {
                    var item = KubernetesJson.Deserialize<T>(obj.GetRawText());
                    var key = ResourceKey.Of(item);
                    Cache.Remove(key, out _);
                    handler?.OnDelete(item);
                    return item.Metadata?.ResourceVersion ?? rv;
                }

            case "BOOKMARK":
                return obj.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var brv) && brv.GetString() is { Length: > 0 } s ? s : rv;

            case "ERROR":
                {
                    var code = obj.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
                    var reason = obj.TryGetProperty("reason", out var r) ? r.GetString() : null;
                    if (code == 410 || reason is "Expired" or "Gone")
                    {
                        RuntimeLog.ResourceVersionExpired(logger, resource.Kind, rv);
                        return null;
                    }

                    throw new KubernetesApiException((System.Net.HttpStatusCode)(code == 0 ? 500 : code), "WATCH", resource.CollectionPath(options.Namespace), obj.GetRawText());
                }

            default:
                return rv;
        }
    }

    private static class WatchEnding
    {
        public const string Closed = "closed";
        public const string Idle = "idle";
        public const string Expired = "expired";
    }

    private sealed class ObjectList
    {
        public V1ListMeta? Metadata { get; set; }

        public List<T>? Items { get; set; }
    }
}
