using Microsoft.AspNetCore.Http;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>The Kubernetes verb of a request, as RBAC and the request log name it (get, list, watch, create, ...).</summary>
internal static class RequestVerbs
{
    public static string Of(string method, RequestInfo? info, IQueryCollection query)
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
}
