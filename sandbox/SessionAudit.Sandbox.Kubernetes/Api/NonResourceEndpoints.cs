using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Discovery;
using SessionAudit.Sandbox.Kubernetes.OpenApi;
using SessionAudit.Sandbox.Kubernetes.Resources;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>The paths that name no resource: /version, the health checks, discovery (legacy and aggregated) and OpenAPI.</summary>
internal sealed class NonResourceEndpoints(ResourceRegistry registry, KubernetesSandboxOptions options, Func<string> serverAddress)
{
    private const string AggregatedV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private const string AggregatedV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
    private readonly OpenApiDocuments _openApi = new(registry);

    public async Task ServeAsync(HttpContext ctx, string path)
    {
        var accept = ctx.Request.Headers.Accept.ToString();
        var all = registry.All;
        switch (path.TrimEnd('/'))
        {
            case "/version":
                await Responses.WriteJsonAsync(ctx, 200, new JsonObject
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
                    await Responses.WriteJsonAsync(ctx, 200, DiscoveryDocuments.Aggregated(all, core: true, coreType.ApiVersion), coreType.ContentType);
                }
                else
                {
                    await Responses.WriteJsonAsync(ctx, 200, DiscoveryDocuments.ApiVersions(serverAddress()));
                }

                return;
            case "/apis":
                if (AggregatedType(accept) is { } groupsType)
                {
                    await Responses.WriteJsonAsync(ctx, 200, DiscoveryDocuments.Aggregated(all, core: false, groupsType.ApiVersion), groupsType.ContentType);
                }
                else
                {
                    await Responses.WriteJsonAsync(ctx, 200, DiscoveryDocuments.GroupList(all));
                }

                return;
        }

        var parts = path.Trim('/').Split('/');
        if (parts is ["api", var coreVersion] && DiscoveryDocuments.ResourceList(all, "", coreVersion) is { } coreList)
        {
            await Responses.WriteJsonAsync(ctx, 200, coreList);
            return;
        }

        if (parts is ["apis", var group] && DiscoveryDocuments.GroupDocument(all, group) is { } groupDoc)
        {
            await Responses.WriteJsonAsync(ctx, 200, groupDoc);
            return;
        }

        if (parts is ["apis", var g, var v] && DiscoveryDocuments.ResourceList(all, g, v) is { } list)
        {
            await Responses.WriteJsonAsync(ctx, 200, list);
            return;
        }

        if (parts.Length >= 2 && parts[0] == "openapi")
        {
            await _openApi.ServeAsync(ctx, parts);
            return;
        }

        throw new ApiException(404, "NotFound", "the server could not find the requested resource", new JsonObject());
    }

    /// <summary>The aggregated discovery version an Accept header asks for (v2 or v2beta1), with the content type to answer in.</summary>
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
}
