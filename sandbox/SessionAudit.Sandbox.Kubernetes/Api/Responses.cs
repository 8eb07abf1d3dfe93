using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Storage;
using SessionAudit.Sandbox.Kubernetes.Tables;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>Content negotiation of answers: JSON, or a Table when the Accept header asks for one; errors as a Status.</summary>
internal static class Responses
{
    public static bool WantsTable(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    /// <summary>An object's bytes at the requested version; objects are stored at the storage version and relabelled (no conversion).</summary>
    public static byte[] ObjectBytes(ResourceType type, ResourceVersionDef version, StoredObject o)
    {
        if (version.Name == type.StorageVersion.Name || type.Versions.Count == 1)
        {
            return o.Json;
        }

        var obj = Json.Thaw(o);
        obj["apiVersion"] = type.ApiVersion(version.Name);
        return Json.Bytes(obj);
    }

    public static async Task WriteObjectAsync(HttpContext ctx, int status, ServedResource served, ResourceVersionDef version, StoredObject o, TimeProvider time)
    {
        if (WantsTable(ctx.Request))
        {
            await WriteJsonAsync(ctx, status, TableConverter.Table(served.Type, version, [o], o.ResourceVersion, null, time.GetUtcNow()));
            return;
        }

        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(ObjectBytes(served.Type, version, o), ctx.RequestAborted);
    }

    public static async Task WriteJsonAsync(HttpContext ctx, int status, JsonNode body, string contentType = "application/json")
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        await ctx.Response.Body.WriteAsync(Json.Bytes(body), ctx.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext ctx, ApiException e) => WriteJsonAsync(ctx, e.Code, e.ToStatus());
}
