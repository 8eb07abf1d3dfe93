using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Registry;
using SessionAudit.Sandbox.Kubernetes.Resources;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>The answers of injected faults: throttled requests, and writes that lose a conflict or fail.</summary>
internal sealed class InjectedFaults(KubernetesFaults faults, Random random)
{
    /// <summary>
    /// As API Priority and Fairness (and max-in-flight) reject: 429 with `Retry-After` and the plain-text body of
    /// Go's http.Error. A 5xx answer is a Status, as the API server's own errors are.
    /// </summary>
    public static async Task WriteThrottledAsync(HttpContext ctx, Throttle throttle)
    {
        ctx.Response.Headers.RetryAfter = throttle.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        if (throttle.StatusCode == 429)
        {
            ctx.Response.StatusCode = 429;
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            ctx.Response.Headers["X-Content-Type-Options"] = "nosniff";
            await ctx.Response.WriteAsync("Too many requests, please try again later.\n", ctx.RequestAborted);
            return;
        }

        var reason = throttle.StatusCode == 503 ? "ServiceUnavailable" : "InternalError";
        var status = StatusBodies.Failure(throttle.StatusCode, reason, "the server is currently unable to handle the request (injected fault)", new JsonObject { ["retryAfterSeconds"] = throttle.RetryAfterSeconds });
        await Responses.WriteJsonAsync(ctx, throttle.StatusCode, status);
    }

    /// <summary>Throws a conflict or an internal error for the shares of writes the faults ask for.</summary>
    public void ThrowOnWrite(ResourceType type, string name)
    {
        var conflict = faults.WriteConflictShare;
        var error = faults.WriteErrorShare;
        if (conflict <= 0 && error <= 0)
        {
            return;
        }

        double roll;
        lock (random)
        {
            roll = random.NextDouble();
        }

        if (roll < conflict)
        {
            throw ObjectErrors.Conflict(type, name.Length == 0 ? "(new)" : name);
        }

        if (roll < conflict + error)
        {
            throw new ApiException(500, "InternalError", "Internal error occurred: injected fault", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = "injected fault" }) });
        }
    }
}
