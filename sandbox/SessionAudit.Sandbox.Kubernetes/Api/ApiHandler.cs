using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Discovery;
using SessionAudit.Sandbox.Kubernetes.OpenApi;
using SessionAudit.Sandbox.Kubernetes.Registry;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Serialization.Protobuf;
using SessionAudit.Sandbox.Kubernetes.Storage;
using SessionAudit.Sandbox.Kubernetes.Tables;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>Serves every request: authentication, faults, discovery, OpenAPI and the resource endpoints; records each in the log.</summary>
internal sealed class ApiHandler(
    ResourceService service,
    KubernetesSandboxOptions options,
    KubernetesFaults faults,
    RequestLog log,
    ConcurrentDictionary<string, string> tokens,
    Random random,
    Func<string> serverAddress)
{
    private const string AggregatedV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private const string AggregatedV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
    private static readonly byte[] Newline = "\n"u8.ToArray();
    private readonly OpenApiDocuments _openApi = new(service.Registry);

    private ResourceRegistry Registry => service.Registry;

    private TimeProvider Time => options.Time;

    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task HandleAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await ServeAsync(ctx);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task ServeAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        var path = request.Path.Value ?? "/";
        var info = RequestInfo.Parse(path);
        var verb = Verb(request.Method, info, request.Query);
        var identity = Authenticate(request);
        var started = Time.GetUtcNow();
        try
        {
            if (identity is null)
            {
                throw new ApiException(401, "Unauthorized", "Unauthorized");
            }

            if (faults.TakeThrottle(verb) is { } throttle)
            {
                await WriteThrottledAsync(ctx, throttle);
                Record(ctx, started, info, verb, identity, ctx.Response.StatusCode);
                return;
            }

            var latency = faults.Latency;
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, Time, ctx.RequestAborted);
            }

            if (info is null)
            {
                await ServeNonResourceAsync(ctx, path);
            }
            else
            {
                if (verb == "watch")
                {
                    // A watch is logged when it starts: tests look for open watches, not finished ones.
                    Record(ctx, started, info, verb, identity, 200);
                }

                await ServeResourceAsync(ctx, info, verb);
            }
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted)
            {
                await WriteStatusAsync(ctx, e);
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // client went away
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            if (!ctx.Response.HasStarted)
            {
                await WriteStatusAsync(ctx, ApiException.BadRequest(e.Message));
            }
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            // A bug of the sandbox: answer as the API server answers its own panics, so clients see a Status.
            await WriteStatusAsync(ctx, new ApiException(500, "InternalError", $"Internal error occurred: {e.GetType().Name}: {e.Message}"));
        }

        if (verb != "watch" || info is null)
        {
            Record(ctx, started, info, verb, identity ?? "", ctx.Response.StatusCode);
        }
    }

    private void Record(HttpContext ctx, DateTimeOffset started, RequestInfo? info, string verb, string identity, int status) =>
        log.Add(new KubernetesRequestRecord(
            started,
            ctx.Request.Method,
            ctx.Request.Path.Value + ctx.Request.QueryString.Value,
            verb,
            info?.Group ?? "",
            info?.Version ?? "",
            info?.Resource ?? "",
            info?.Subresource ?? "",
            info?.Namespace ?? "",
            info?.Name ?? "",
            ctx.Request.Headers.UserAgent.ToString(),
            identity,
            status,
            ctx.Request.ContentType ?? "",
            ctx.Request.Query["fieldManager"].ToString()));

    private static string Verb(string method, RequestInfo? info, IQueryCollection query)
    {
        if (info is null)
        {
            return method.ToLowerInvariant();
        }

        var isWatch = info.WatchPath || query["watch"] is { Count: > 0 } w && (w[0] == "true" || w[0] == "1");
        return method switch
        {
            "GET" when isWatch => "watch",
            "GET" => info.Name.Length > 0 ? "get" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => info.Name.Length > 0 ? "delete" : "deletecollection",
            _ => method.ToLowerInvariant(),
        };
    }

    private string? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return tokens.TryGetValue(header[7..].Trim(), out var who) ? who : null;
        }

        return options.AnonymousIdentity;
    }

    private async Task ServeNonResourceAsync(HttpContext ctx, string path)
    {
        var accept = ctx.Request.Headers.Accept.ToString();
        var all = Registry.All;
        switch (path.TrimEnd('/'))
        {
            case "/version":
                await WriteJsonAsync(ctx, 200, new JsonObject
                {
                    ["major"] = "1",
                    ["minor"] = "32",
                    ["gitVersion"] = options.GitVersion,
                    ["gitCommit"] = "0000000000000000000000000000000000000000",
                    ["gitTreeState"] = "clean",
                    ["buildDate"] = "2026-01-01T00:00:00Z",
                    ["goVersion"] = "go1.23.0",
                    ["compiler"] = "gc",
                    ["platform"] = "linux/amd64",
                });
                return;
            case "/healthz" or "/livez" or "/readyz":
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync("ok", ctx.RequestAborted);
                return;
            case "/api":
                if (AggregatedType(accept) is { } coreType)
                {
                    await WriteJsonAsync(ctx, 200, DiscoveryDocuments.Aggregated(all, core: true, coreType.ApiVersion), coreType.ContentType);
                }
                else
                {
                    await WriteJsonAsync(ctx, 200, DiscoveryDocuments.ApiVersions(serverAddress()));
                }

                return;
            case "/apis":
                if (AggregatedType(accept) is { } groupsType)
                {
                    await WriteJsonAsync(ctx, 200, DiscoveryDocuments.Aggregated(all, core: false, groupsType.ApiVersion), groupsType.ContentType);
                }
                else
                {
                    await WriteJsonAsync(ctx, 200, DiscoveryDocuments.GroupList(all));
                }

                return;
        }

        var parts = path.Trim('/').Split('/');
        if (parts is ["api", var coreVersion] && DiscoveryDocuments.ResourceList(all, "", coreVersion) is { } coreList)
        {
            await WriteJsonAsync(ctx, 200, coreList);
            return;
        }

        if (parts is ["apis", var group] && DiscoveryDocuments.GroupDocument(all, group) is { } groupDoc)
        {
            await WriteJsonAsync(ctx, 200, groupDoc);
            return;
        }

        if (parts is ["apis", var g, var v] && DiscoveryDocuments.ResourceList(all, g, v) is { } list)
        {
            await WriteJsonAsync(ctx, 200, list);
            return;
        }

        if (parts.Length >= 2 && parts[0] == "openapi")
        {
            await _openApi.ServeAsync(ctx, parts);
            return;
        }

        throw new ApiException(404, "NotFound", "the server could not find the requested resource", new JsonObject());
    }

    private static (string ApiVersion, string ContentType)? AggregatedType(string accept)
    {
        if (!accept.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var part in accept.Split(','))
        {
            if (part.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal))
            {
                if (part.Contains("v=v2beta1", StringComparison.Ordinal))
                {
                    return ("apidiscovery.k8s.io/v2beta1", AggregatedV2Beta1);
                }

                if (part.Contains("v=v2", StringComparison.Ordinal))
                {
                    return ("apidiscovery.k8s.io/v2", AggregatedV2);
                }
            }
        }

        return null;
    }

    private async Task ServeResourceAsync(HttpContext ctx, RequestInfo info, string verb)
    {
        var resolved = Registry.Resolve(info.Group, info.Version, info.Resource)
            ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        var (served, version) = resolved;
        var type = served.Type;
        if (!type.Namespaced && info.Namespace.Length > 0)
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        }

        if (info.Subresource.Length > 0 && !(info.Subresource == "status" && version.StatusSubresource))
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        }

        var query = ctx.Request.Query;
        var write = verb is "create" or "update" or "patch" or "delete" or "deletecollection";
        if (write)
        {
            InjectWriteFaults(type, info.Name);
        }

        var writeOptions = new WriteOptions(
            query["dryRun"].Count > 0,
            query["fieldManager"].ToString(),
            query["fieldValidation"].ToString(),
            query["force"].ToString() == "true")
        {
            UserAgentManager = ctx.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua.Split('/')[0] : "unknown",
        };
        var ns = info.Namespace;
        switch (verb)
        {
            case "get":
                await WriteObjectAsync(ctx, 200, served, version, service.Get(served, ns, info.Name));
                return;
            case "list":
                await ListAsync(ctx, served, version, ns);
                return;
            case "watch":
                await WatchAsync(ctx, served, version, ns, info.Name);
                return;
            case "create":
                {
                    if (info.Name.Length > 0)
                    {
                        throw ApiException.MethodNotAllowed($"POST is not supported on a named {type.GroupResource}");
                    }

                    var body = await ReadObjectAsync(ctx);
                    var created = service.Create(served, version, ns, body, writeOptions);
                    await WriteObjectAsync(ctx, 201, served, version, created);
                    return;
                }

            case "update":
                {
                    var body = await ReadObjectAsync(ctx);
                    var updated = service.Update(served, version, ns, info.Name, info.Subresource, body, writeOptions);
                    await WriteObjectAsync(ctx, 200, served, version, updated);
                    return;
                }

            case "patch":
                {
                    var contentType = ctx.Request.ContentType ?? "";
                    var raw = await ReadBodyAsync(ctx);
                    var patch = ParseBody(raw, contentType);
                    var before = served.Store.Get(StoredObject.StoreKey(ns, info.Name));
                    var patched = service.Patch(served, version, ns, info.Name, info.Subresource, contentType, patch, writeOptions);
                    await WriteObjectAsync(ctx, before is null ? 201 : 200, served, version, patched);
                    return;
                }

            case "delete":
                {
                    var raw = await ReadBodyAsync(ctx);
                    var deleteOptions = raw.Length == 0 ? null : ParseBody(raw, ctx.Request.ContentType ?? "") as JsonObject;
                    var (obj, gone) = service.Delete(served, ns, info.Name, deleteOptions, writeOptions.DryRun);
                    if (gone && type.IsCustom)
                    {
                        await WriteJsonAsync(ctx, 200, StatusBodies.Success(new JsonObject { ["name"] = info.Name, ["group"] = type.Group, ["kind"] = type.Plural, ["uid"] = obj.Uid }));
                    }
                    else
                    {
                        await WriteObjectAsync(ctx, gone ? 200 : 202, served, version, obj);
                    }

                    return;
                }

            case "deletecollection":
                {
                    var filter = Filter(type, ns, query);
                    foreach (var o in served.Store.List(filter, null, 0).Items)
                    {
                        try
                        {
                            service.Delete(served, o.Namespace, o.Name, null, writeOptions.DryRun);
                        }
                        catch (ApiException e) when (e.Code == 404)
                        {
                            // deleted meanwhile
                        }
                    }

                    await WriteJsonAsync(ctx, 200, StatusBodies.Success(new JsonObject { ["group"] = type.Group, ["kind"] = type.Plural }));
                    return;
                }

            default:
                throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource");
        }
    }

    private void InjectWriteFaults(ResourceType type, string name)
    {
        var conflict = faults.WriteConflictShare;
        var error = faults.WriteErrorShare;
        if (conflict <= 0 && error <= 0)
        {
            return;
        }

        double roll;
        lock (random)
        {
            roll = random.NextDouble();
        }

        if (roll < conflict)
        {
            throw ResourceService.Conflict(type, name.Length == 0 ? "(new)" : name);
        }

        if (roll < conflict + error)
        {
            throw new ApiException(500, "InternalError", "Internal error occurred: injected fault", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = "injected fault" }) });
        }
    }

    private static Func<StoredObject, bool> Filter(ResourceType type, string ns, IQueryCollection query)
    {
        var labels = LabelSelector.Parse(query["labelSelector"].ToString());
        var fields = FieldSelector.Parse(query["fieldSelector"].ToString(), type.ExtraFieldLabels);
        return o => (ns.Length == 0 || o.Namespace == ns) && (labels.IsEverything || labels.Matches(o)) && (fields.IsEverything || fields.Matches(o));
    }

    private async Task ListAsync(HttpContext ctx, ServedResource served, ResourceVersionDef version, string ns)
    {
        var query = ctx.Request.Query;
        var type = served.Type;
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
        string? after = null;
        if (query["continue"].ToString() is { Length: > 0 } token)
        {
            var (rv, start) = ContinueToken.Decode(token);
            if (served.Store.IsExpired(rv))
            {
                throw new ApiException(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
            }

            after = start;
        }

        var fieldSelector = FieldSelector.Parse(query["fieldSelector"].ToString(), type.ExtraFieldLabels);
        var filter = Filter(type, ns, query);
        string? prefix = ns.Length > 0 ? ns + "/" : null;
        ListPage page;
        if (fieldSelector.Name is { } pinned && (ns.Length > 0 || !type.Namespaced))
        {
            // One object asked for by name: no scan.
            var one = served.Store.Get(StoredObject.StoreKey(ns, pinned));
            page = new ListPage(one is not null && filter(one) ? [one] : [], served.Store.Clock.Current, null);
        }
        else
        {
            page = served.Store.List(filter, after, limit, prefix);
        }

        var continueToken = page.ContinueAfter is null ? null : ContinueToken.Encode(page.ResourceVersion, page.ContinueAfter);
        if (WantsTable(ctx.Request))
        {
            await WriteJsonAsync(ctx, 200, TableConverter.Table(type, version, page.Items, page.ResourceVersion, continueToken, Time.GetUtcNow(), includeObject: query["includeObject"].ToString() is { Length: > 0 } io ? io : "Metadata"));
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(4096 + page.Items.Count * 512);
        using (var w = new Utf8JsonWriter(buffer, Json.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("kind", type.ListKind);
            w.WriteString("apiVersion", type.ApiVersion(version.Name));
            w.WriteStartObject("metadata");
            w.WriteString("resourceVersion", page.ResourceVersion.ToString(CultureInfo.InvariantCulture));
            if (continueToken is not null)
            {
                w.WriteString("continue", continueToken);
            }

            w.WriteEndObject();
            w.WriteStartArray("items");
            foreach (var o in page.Items)
            {
                w.WriteRawValue(ObjectBytes(type, version, o), skipInputValidation: true);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(buffer.WrittenMemory, ctx.RequestAborted);
    }

    private async Task WatchAsync(HttpContext ctx, ServedResource served, ResourceVersionDef version, string ns, string name)
    {
        var query = ctx.Request.Query;
        var type = served.Type;
        var baseFilter = Filter(type, ns, query);
        Func<StoredObject, bool> filter = name.Length > 0 ? o => o.Name == name && baseFilter(o) : baseFilter;
        var sendInitial = query["sendInitialEvents"].ToString() == "true";
        var rvText = query["resourceVersion"].ToString();
        long? from = sendInitial || rvText is "" or "0" ? null : ResourceService.ParseVersion(rvText);
        var bookmarks = query["allowWatchBookmarks"].ToString() == "true";
        var timeout = int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0
            ? TimeSpan.FromSeconds(t)
            : options.DefaultWatchTimeout;
        var table = WantsTable(ctx.Request);

        using var watcher = new Watcher(filter, ctx.RequestAborted);
        var initial = served.Store.Watch(watcher, from, sendInitial);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "no-cache, private";
        if (initial is null)
        {
            var expired = StatusBodies.Failure(410, "Expired", $"too old resource version: {from} ({served.Store.Clock.Current})", null);
            await WriteEventAsync(ctx, "ERROR", Json.Bytes(expired));
            return;
        }

        using var timeoutCts = new CancellationTokenSource(timeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(watcher.Stop.Token, timeoutCts.Token);
        using var bookmarkTimer = bookmarks
            ? Time.CreateTimer(_ => served.Store.Bookmark(watcher), null, options.BookmarkInterval, options.BookmarkInterval)
            : null;
        try
        {
            await ctx.Response.StartAsync(ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            var first = true;
            foreach (var item in initial)
            {
                await WriteItemAsync(ctx, served, version, item, table, first);
                first = false;
            }

            var reader = watcher.Items;
            while (await reader.WaitToReadAsync(linked.Token))
            {
                while (reader.TryRead(out var item))
                {
                    await WriteItemAsync(ctx, served, version, item, table, first);
                    first = false;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // timeout, dropped by a fault, or the client left: the stream simply ends, unless a fault asked otherwise
            if (!ctx.RequestAborted.IsCancellationRequested && !timeoutCts.IsCancellationRequested)
            {
                if (watcher.Ending == WatchEnding.Reset)
                {
                    ctx.Abort();
                }
                else if (watcher.Ending == WatchEnding.Error)
                {
                    var error = StatusBodies.Failure(500, "InternalError", "Internal error occurred: etcdserver: request timed out (injected fault)", null);
                    await WriteEventAsync(ctx, "ERROR", Json.Bytes(error));
                }
            }
        }
        finally
        {
            served.Store.Unwatch(watcher);
        }
    }

    private async Task WriteItemAsync(HttpContext ctx, ServedResource served, ResourceVersionDef version, WatchItem item, bool table, bool first)
    {
        var type = served.Type;
        if (item.Type == WatchEventType.Bookmark)
        {
            var meta = new JsonObject { ["resourceVersion"] = item.BookmarkVersion.ToString(CultureInfo.InvariantCulture) };
            if (item.InitialEventsEnd)
            {
                meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
            }

            var bookmark = new JsonObject { ["kind"] = table ? "Table" : type.Kind, ["apiVersion"] = table ? "meta.k8s.io/v1" : type.ApiVersion(version.Name), ["metadata"] = meta };
            await WriteEventAsync(ctx, "BOOKMARK", Json.Bytes(bookmark));
            return;
        }

        var o = item.Object!;
        var bytes = table
            ? Json.Bytes(TableConverter.Table(type, version, [o], o.ResourceVersion, null, Time.GetUtcNow(), includeColumns: first))
            : ObjectBytes(type, version, o);
        var name = item.Type switch
        {
            WatchEventType.Added => "ADDED",
            WatchEventType.Modified => "MODIFIED",
            WatchEventType.Deleted => "DELETED",
            _ => "ERROR",
        };
        await WriteEventAsync(ctx, name, bytes);
    }

    private static async Task WriteEventAsync(HttpContext ctx, string type, byte[] objectJson)
    {
        var body = ctx.Response.BodyWriter;
        Write(body, "{\"type\":\""u8);
        Write(body, Encoding.ASCII.GetBytes(type));
        Write(body, "\",\"object\":"u8);
        Write(body, objectJson);
        Write(body, "}"u8);
        Write(body, Newline);
        await body.FlushAsync(ctx.RequestAborted);
    }

    private static void Write(System.IO.Pipelines.PipeWriter w, ReadOnlySpan<byte> bytes)
    {
        var span = w.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        w.Advance(bytes.Length);
    }

    /// <summary>
    /// As API Priority and Fairness (and max-in-flight) reject: 429 with `Retry-After` and the plain-text body of
    /// Go's http.Error. A 5xx answer is a Status, as the API server's own errors are.
    /// </summary>
    private static async Task WriteThrottledAsync(HttpContext ctx, Throttle throttle)
    {
        ctx.Response.Headers.RetryAfter = throttle.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        if (throttle.StatusCode == 429)
        {
            ctx.Response.StatusCode = 429;
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            ctx.Response.Headers["X-Content-Type-Options"] = "nosniff";
            await ctx.Response.WriteAsync("Too many requests, please try again later.\n", ctx.RequestAborted);
            return;
        }

        var reason = throttle.StatusCode == 503 ? "ServiceUnavailable" : "InternalError";
        var status = StatusBodies.Failure(throttle.StatusCode, reason, "the server is currently unable to handle the request (injected fault)", new JsonObject { ["retryAfterSeconds"] = throttle.RetryAfterSeconds });
        await WriteJsonAsync(ctx, throttle.StatusCode, status);
    }

    private static bool WantsTable(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    /// <summary>An object's bytes at the requested version; objects are stored at the storage version and relabelled (no conversion).</summary>
    private static byte[] ObjectBytes(ResourceType type, ResourceVersionDef version, StoredObject o)
    {
        if (version.Name == type.StorageVersion.Name || type.Versions.Count == 1)
        {
            return o.Json;
        }

        var obj = Json.Thaw(o);
        obj["apiVersion"] = type.ApiVersion(version.Name);
        return Json.Bytes(obj);
    }

    private async Task WriteObjectAsync(HttpContext ctx, int status, ServedResource served, ResourceVersionDef version, StoredObject o)
    {
        if (WantsTable(ctx.Request))
        {
            await WriteJsonAsync(ctx, status, TableConverter.Table(served.Type, version, [o], o.ResourceVersion, null, Time.GetUtcNow()));
            return;
        }

        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(ObjectBytes(served.Type, version, o), ctx.RequestAborted);
    }

    private static async Task WriteJsonAsync(HttpContext ctx, int status, JsonNode body, string contentType = "application/json")
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        await ctx.Response.Body.WriteAsync(Json.Bytes(body), ctx.RequestAborted);
    }

    private static Task WriteStatusAsync(HttpContext ctx, ApiException e) => WriteJsonAsync(ctx, e.Code, e.ToStatus());

    private static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        return ms.ToArray();
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext ctx)
    {
        var raw = await ReadBodyAsync(ctx);
        return ParseBody(raw, ctx.Request.ContentType ?? "") as JsonObject
            ?? throw ApiException.BadRequest("the request body must be an object");
    }

    private static JsonNode? ParseBody(byte[] raw, string contentType)
    {
        if (raw.Length == 0)
        {
            throw ApiException.BadRequest("the request body is empty");
        }

        if (KubernetesProtobuf.IsProtobuf(contentType, raw))
        {
            try
            {
                return KubernetesProtobuf.Decode(raw);
            }
            catch (UnsupportedProtobufException e)
            {
                throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf ({e.Message})");
            }
            catch (ProtobufFormatException e)
            {
                throw ApiException.BadRequest($"error decoding protobuf: {e.Message}");
            }
        }

        var trimmed = raw.AsSpan().TrimStart(" \t\r\n"u8);
        if (trimmed.Length > 0 && (trimmed[0] == (byte)'{' || trimmed[0] == (byte)'['))
        {
            try
            {
                return JsonNode.Parse(raw);
            }
            catch (JsonException) when (contentType.Contains("yaml", StringComparison.Ordinal))
            {
                // YAML flow style that is not JSON: fall through
            }
            catch (JsonException e)
            {
                throw ApiException.BadRequest($"error decoding JSON: {e.Message}");
            }
        }

        if (contentType.Contains("yaml", StringComparison.Ordinal))
        {
            return Yaml.ToJson(Encoding.UTF8.GetString(raw));
        }

        // Neither JSON, YAML nor protobuf: 415 with the media types the sandbox does accept.
        throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (content type {contentType})");
    }

}
