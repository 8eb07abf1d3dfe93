using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Registry;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>
/// The resource paths: resolves the resource (404 for what is not served, also for subresources other than status),
/// then get, list, watch, create, update, patch, delete and deletecollection with the query's write options.
/// </summary>
internal sealed class ResourceEndpoints(ResourceService service, KubernetesSandboxOptions options, InjectedFaults faults)
{
    private readonly ListEndpoint _list = new(options.Time);
    private readonly WatchEndpoint _watch = new(options);

    private TimeProvider Time => options.Time;

    public async Task ServeAsync(HttpContext ctx, RequestInfo info, string verb)
    {
        var resolved = service.Registry.Resolve(info.Group, info.Version, info.Resource)
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
            faults.ThrowOnWrite(type, info.Name);
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
                await Responses.WriteObjectAsync(ctx, 200, served, version, service.Get(served, ns, info.Name), Time);
                return;
            case "list":
                await _list.ServeAsync(ctx, served, version, ns);
                return;
            case "watch":
                await _watch.ServeAsync(ctx, served, version, ns, info.Name);
                return;
            case "create":
                {
                    if (info.Name.Length > 0)
                    {
                        throw ApiException.MethodNotAllowed($"POST is not supported on a named {type.GroupResource}");
                    }

                    var body = await RequestBodies.ReadObjectAsync(ctx);
                    var created = service.Create(served, version, ns, body, writeOptions);
                    await Responses.WriteObjectAsync(ctx, 201, served, version, created, Time);
                    return;
                }

            case "update":
                {
                    var body = await RequestBodies.ReadObjectAsync(ctx);
                    var updated = service.Update(served, version, ns, info.Name, info.Subresource, body, writeOptions);
                    await Responses.WriteObjectAsync(ctx, 200, served, version, updated, Time);
                    return;
                }

            case "patch":
                {
                    var contentType = ctx.Request.ContentType ?? "";
                    var raw = await RequestBodies.ReadAsync(ctx);
                    var patch = RequestBodies.Parse(raw, contentType);
                    var before = served.Store.Get(StoredObject.StoreKey(ns, info.Name));
                    var patched = service.Patch(served, version, ns, info.Name, info.Subresource, contentType, patch, writeOptions);
                    await Responses.WriteObjectAsync(ctx, before is null ? 201 : 200, served, version, patched, Time);
                    return;
                }

            case "delete":
                {
                    var raw = await RequestBodies.ReadAsync(ctx);
                    var deleteOptions = raw.Length == 0 ? null : RequestBodies.Parse(raw, ctx.Request.ContentType ?? "") as JsonObject;
                    var (obj, gone) = service.Delete(served, ns, info.Name, deleteOptions, writeOptions.DryRun);
                    if (gone && type.IsCustom)
                    {
                        await Responses.WriteJsonAsync(ctx, 200, StatusBodies.Success(new JsonObject { ["name"] = info.Name, ["group"] = type.Group, ["kind"] = type.Plural, ["uid"] = obj.Uid }));
                    }
                    else
                    {
                        await Responses.WriteObjectAsync(ctx, gone ? 200 : 202, served, version, obj, Time);
                    }

                    return;
                }

            case "deletecollection":
                {
                    var filter = ObjectFilter.From(type, ns, query);
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

                    await Responses.WriteJsonAsync(ctx, 200, StatusBodies.Success(new JsonObject { ["group"] = type.Group, ["kind"] = type.Plural }));
                    return;
                }

            default:
                throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource");
        }
    }
}
