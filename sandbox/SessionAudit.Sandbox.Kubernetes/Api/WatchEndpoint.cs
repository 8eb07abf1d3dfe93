using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Registry;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Storage;
using SessionAudit.Sandbox.Kubernetes.Tables;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>
/// A watch stream: initial events or a start from a resourceVersion (410 when too old), bookmarks, the timeout, and
/// the ends faults ask for (a dropped connection or an ERROR event); one JSON event per line, as a Table when asked.
/// </summary>
internal sealed class WatchEndpoint(KubernetesSandboxOptions options)
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    private TimeProvider Time => options.Time;

    public async Task ServeAsync(HttpContext ctx, ServedResource served, ResourceVersionDef version, string ns, string name)
    {
        var query = ctx.Request.Query;
        var type = served.Type;
        var baseFilter = ObjectFilter.From(type, ns, query);
        var filter = name.Length > 0 ? o => o.Name == name && baseFilter(o) : baseFilter;
        var sendInitial = query["sendInitialEvents"].ToString() == "true";
        var rvText = query["resourceVersion"].ToString();
        var from = sendInitial || rvText is "" or "0" ? null : ResourceVersions.Parse(rvText);
        var bookmarks = query["allowWatchBookmarks"].ToString() == "true";
        var timeout = int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0
            ? TimeSpan.FromSeconds(t)
            : options.DefaultWatchTimeout;
        var table = Responses.WantsTable(ctx.Request);

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
            : Responses.ObjectBytes(type, version, o);
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

    private static void Write(PipeWriter w, ReadOnlySpan<byte> bytes)
    {
        var span = w.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        w.Advance(bytes.Length);
    }
}
