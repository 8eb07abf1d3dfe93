using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>Who a request is: the identity of its bearer token, or the anonymous identity when it sends none (null: refused).</summary>
internal sealed class TokenAuthenticator(ConcurrentDictionary<string, string> tokens, KubernetesSandboxOptions options)
{
    public string? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return tokens.TryGetValue(header[7..].Trim(), out var who) ? who : null;
        }

        return options.AnonymousIdentity;
    }
}
