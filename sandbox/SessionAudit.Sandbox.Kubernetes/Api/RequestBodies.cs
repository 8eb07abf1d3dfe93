using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Serialization.Protobuf;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>Request bodies in the media types the server decodes: JSON, YAML and Kubernetes protobuf; 415 for the rest.</summary>
internal static class RequestBodies
{
    public static async Task<byte[]> ReadAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        return ms.ToArray();
    }

    public static async Task<JsonObject> ReadObjectAsync(HttpContext ctx)
    {
        var raw = await ReadAsync(ctx);
        return Parse(raw, ctx.Request.ContentType ?? "") as JsonObject
            ?? throw ApiException.BadRequest("the request body must be an object");
    }

    public static JsonNode? Parse(byte[] raw, string contentType)
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
