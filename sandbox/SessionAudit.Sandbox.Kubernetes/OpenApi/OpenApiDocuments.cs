using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.OpenApi;

/// <summary>
/// /openapi/v3 (index and one document per group-version) and /openapi/v2.
/// Every PATCH operation declares the fieldValidation and dryRun query parameters, so kubectl leaves
/// validation to the server (where custom resources meet their schema) instead of validating client-side.
/// </summary>
internal sealed class OpenApiDocuments(ResourceRegistry registry)
{
    // kube-openapi answers the deprecated request form ("...spec.v2@v1.0+protobuf", what kubectl asks for) with this
    // one: '@' is not allowed in a media type, and Go's mime parser (kubectl) rejects it.
    private const string ProtobufV2 = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    public async Task ServeAsync(HttpContext ctx, string[] parts)
    {
        if (parts is ["openapi", "v2"])
        {
            // kubectl reads v2 as protobuf only. An empty message is a valid, empty Document: kubectl then
            // has no client-side schemas and relies on the server's field validation declared in v3.
            if (ctx.Request.Headers.Accept.ToString().Contains("protobuf", StringComparison.Ordinal))
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = ProtobufV2;
                return;
            }

            await WriteAsync(ctx, V2());
            return;
        }

        if (parts is ["openapi", "v3"])
        {
            await WriteAsync(ctx, Index());
            return;
        }

        if (parts.Length >= 3 && parts[1] == "v3")
        {
            var gvPath = string.Join('/', parts[2..]);
            if (Document(gvPath) is { } doc)
            {
                await WriteAsync(ctx, doc);
                return;
            }
        }

        throw new ApiException(404, "NotFound", "the server could not find the requested resource", new JsonObject());
    }

    private static async Task WriteAsync(HttpContext ctx, JsonNode doc)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(Json.Bytes(doc), ctx.RequestAborted);
    }

    private JsonObject Index()
    {
        var paths = new JsonObject();
        var generation = registry.Generation.ToString(CultureInfo.InvariantCulture);
        foreach (var gv in registry.GroupVersions().Distinct().Order(StringComparer.Ordinal))
        {
            var path = gv.Contains('/', StringComparison.Ordinal) ? "apis/" + gv : "api/" + gv;
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={Hash(path + generation)}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    private JsonObject? Document(string gvPath)
    {
        string group, version;
        var p = gvPath.Split('/');
        if (p is ["api", var v])
        {
            (group, version) = ("", v);
        }
        else if (p is ["apis", var g, var v2])
        {
            (group, version) = (g, v2);
        }
        else
        {
            return null;
        }

        var served = registry.All.Where(r => r.Type.Group == group && r.Type.Served(version) is not null).ToList();
        if (served.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var r in served.OrderBy(r => r.Type.Plural, StringComparer.Ordinal))
        {
            var t = r.Type;
            var served1 = t.Served(version)!;
            var schemaName = SchemaName(t, version);
            schemas[schemaName] = Schema(t, served1);
            var prefix = (group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}") + (t.Namespaced ? "/namespaces/{namespace}" : "");
            var gvk = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = t.Kind };
            var schemaRef = new JsonObject { ["$ref"] = "#/components/schemas/" + schemaName };
            paths[$"{prefix}/{t.Plural}"] = new JsonObject
            {
                ["get"] = Operation("list", t, gvk, schemaRef, null),
                ["post"] = Operation("post", t, gvk, schemaRef, ["application/json", "application/yaml"]),
                ["delete"] = Operation("deletecollection", t, gvk, schemaRef, null),
                ["parameters"] = PathParameters(t.Namespaced, named: false),
            };
            paths[$"{prefix}/{t.Plural}/{{name}}"] = new JsonObject
            {
                ["get"] = Operation("get", t, gvk, schemaRef, null),
                ["put"] = Operation("put", t, gvk, schemaRef, ["application/json", "application/yaml"]),
                ["patch"] = Operation("patch", t, gvk, schemaRef, PatchTypes(t)),
                ["delete"] = Operation("delete", t, gvk, schemaRef, null),
                ["parameters"] = PathParameters(t.Namespaced, named: true),
            };
            if (served1.StatusSubresource)
            {
                paths[$"{prefix}/{t.Plural}/{{name}}/status"] = new JsonObject
                {
                    ["get"] = Operation("get", t, gvk, schemaRef, null),
                    ["put"] = Operation("put", t, gvk, schemaRef, ["application/json", "application/yaml"]),
                    ["patch"] = Operation("patch", t, gvk, schemaRef, PatchTypes(t)),
                    ["parameters"] = PathParameters(t.Namespaced, named: true),
                };
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    /// <summary>Strategic merge patch is left out on purpose: kubectl then computes it from its compiled-in types, not from schemas we do not carry.</summary>
    private static string[] PatchTypes(ResourceType t) =>
        ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];

    private static JsonObject Operation(string action, ResourceType t, JsonObject gvk, JsonObject schemaRef, string[]? bodyTypes)
    {
        var parameters = new JsonArray();
        if (action is "post" or "put" or "patch")
        {
            parameters.Add(Query("dryRun", "When present, indicates that modifications should not be persisted."));
            parameters.Add(Query("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."));
            parameters.Add(Query("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn (default), Strict."));
        }

        if (action == "patch")
        {
            parameters.Add(new JsonObject { ["name"] = "force", ["in"] = "query", ["description"] = "Force is going to \"force\" Apply requests.", ["schema"] = new JsonObject { ["type"] = "boolean", ["uniqueItems"] = true } });
        }

        if (action is "list" or "deletecollection")
        {
            foreach (var q in new[] { "continue", "fieldSelector", "labelSelector", "resourceVersion", "resourceVersionMatch" })
            {
                parameters.Add(Query(q, q));
            }

            parameters.Add(new JsonObject { ["name"] = "limit", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "integer", ["uniqueItems"] = true } });
            parameters.Add(new JsonObject { ["name"] = "watch", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "boolean", ["uniqueItems"] = true } });
        }

        var op = new JsonObject
        {
            ["tags"] = new JsonArray(t.Group.Length == 0 ? "core_v1" : t.Group),
            ["description"] = $"{action} {t.Kind}",
            ["operationId"] = action + t.Kind,
            ["parameters"] = parameters,
        };
        if (bodyTypes is not null)
        {
            var content = new JsonObject();
            foreach (var bt in bodyTypes)
            {
                content[bt] = new JsonObject { ["schema"] = bt.Contains("patch", StringComparison.Ordinal) ? new JsonObject { ["type"] = "object" } : schemaRef.DeepClone() };
            }

            op["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
        }

        op["responses"] = new JsonObject
        {
            ["200"] = new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemaRef.DeepClone() } } },
            ["401"] = new JsonObject { ["description"] = "Unauthorized" },
        };
        op["x-kubernetes-action"] = action;
        op["x-kubernetes-group-version-kind"] = gvk.DeepClone();
        return op;
    }

    private static JsonObject Query(string name, string description) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static JsonArray PathParameters(bool namespaced, bool named)
    {
        var a = new JsonArray();
        if (named)
        {
            a.Add(new JsonObject { ["name"] = "name", ["in"] = "path", ["description"] = "name of the object", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } });
        }

        if (namespaced)
        {
            a.Add(new JsonObject { ["name"] = "namespace", ["in"] = "path", ["description"] = "object name and auth scope", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } });
        }

        a.Add(Query("pretty", "If 'true', then the output is pretty printed."));
        return a;
    }

    private static string SchemaName(ResourceType t, string version)
    {
        var group = t.Group.Length == 0 ? "io.k8s.api.core" : string.Join('.', t.Group.Split('.').Reverse());
        return $"{group}.{version}.{t.Kind}";
    }

    private static JsonObject Schema(ResourceType t, ResourceVersionDef v)
    {
        var schema = v.RawSchema?.DeepClone().AsObject() ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = t.Group, ["version"] = v.Name, ["kind"] = t.Kind });
        return schema;
    }

    private JsonObject V2()
    {
        var definitions = new JsonObject();
        foreach (var r in registry.All)
        {
            foreach (var v in r.Type.Versions.Where(v => v.Served))
            {
                definitions[SchemaName(r.Type, v.Name)] = Schema(r.Type, v);
            }
        }

        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = new JsonObject(),
            ["definitions"] = definitions,
        };
    }

    private static string Hash(string s) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s)))[..32];
}
