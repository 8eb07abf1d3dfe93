namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>What a resource request addresses, parsed from its path as the API server's RequestInfoFactory does.</summary>
internal sealed record RequestInfo(string Group, string Version, string Resource, string Namespace, string Name, string Subresource, bool WatchPath)
{
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    /// <summary>Parses /api/v1/... and /apis/g/v/...; null when the path is not a resource path.</summary>
    public static RequestInfo? Parse(string path)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        int i;
        string group;
        if (parts.Length >= 3 && parts[0] == "api")
        {
            group = "";
            i = 1;
        }
        else if (parts.Length >= 4 && parts[0] == "apis")
        {
            group = parts[1];
            i = 2;
        }
        else
        {
            return null;
        }

        var version = parts[i++];
        var rest = parts[i..];
        var watch = false;
        if (rest.Length > 0 && rest[0] == "watch")
        {
            watch = true;
            rest = rest[1..];
        }

        var ns = "";
        if (rest.Length > 1 && rest[0] == "namespaces")
        {
            ns = rest[1];
            if (rest.Length > 2 && !NamespaceSubresources.Contains(rest[2]))
            {
                rest = rest[2..];
            }
            else
            {
                // The namespace object itself (or its status/finalize).
                return new RequestInfo(group, version, "namespaces", "", rest[1], rest.Length > 2 ? rest[2] : "", watch);
            }
        }

        if (rest.Length == 0)
        {
            return null;
        }

        return new RequestInfo(group, version, rest[0], ns, rest.Length > 1 ? rest[1] : "", rest.Length > 2 ? rest[2] : "", watch);
    }
}
