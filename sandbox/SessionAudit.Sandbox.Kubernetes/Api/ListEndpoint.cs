using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Storage;
using SessionAudit.Sandbox.Kubernetes.Tables;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>GET of a collection: selectors, pages with continue tokens (410 once compacted), as a list or a Table.</summary>
internal sealed class ListEndpoint(TimeProvider time)
{
    public async Task ServeAsync(HttpContext ctx, ServedResource served, ResourceVersionDef version, string ns)
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
        var filter = ObjectFilter.From(type, ns, query);
        var prefix = ns.Length > 0 ? ns + "/" : null;
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
        if (Responses.WantsTable(ctx.Request))
        {
            await Responses.WriteJsonAsync(ctx, 200, TableConverter.Table(type, version, page.Items, page.ResourceVersion, continueToken, time.GetUtcNow(), includeObject: query["includeObject"].ToString() is { Length: > 0 } io ? io : "Metadata"));
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
                w.WriteRawValue(Responses.ObjectBytes(type, version, o), skipInputValidation: true);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(buffer.WrittenMemory, ctx.RequestAborted);
    }
}
