using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Kubernetes.Registry;

namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>
/// The front door of every request: authentication, injected throttling and latency, then the non-resource or the
/// resource endpoints; errors answered as a Status; each request recorded in the log.
/// </summary>
internal sealed class ApiHandler(
    ResourceService service,
    KubernetesSandboxOptions options,
    KubernetesFaults faults,
    RequestLog log,
    ConcurrentDictionary<string, string> tokens,
    Random random,
    Func<string> serverAddress)
{
    private readonly TokenAuthenticator _authenticator = new(tokens, options);
    private readonly NonResourceEndpoints _nonResource = new(service.Registry, options, serverAddress);
    private readonly ResourceEndpoints _resources = new(service, options, new InjectedFaults(faults, random));
    private int _inFlight;

    private TimeProvider Time => options.Time;

    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task HandleAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await ServeAsync(ctx);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task ServeAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        var path = request.Path.Value ?? "/";
        var info = RequestInfo.Parse(path);
        var verb = RequestVerbs.Of(request.Method, info, request.Query);
        var identity = _authenticator.Authenticate(request);
        var started = Time.GetUtcNow();
        try
        {
            if (identity is null)
            {
                throw new ApiException(401, "Unauthorized", "Unauthorized");
            }

            if (faults.TakeThrottle(verb) is { } throttle)
            {
                await InjectedFaults.WriteThrottledAsync(ctx, throttle);
                Record(ctx, started, info, verb, identity, ctx.Response.StatusCode);
                return;
            }

            var latency = faults.Latency;
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, Time, ctx.RequestAborted);
            }

            if (info is null)
            {
                await _nonResource.ServeAsync(ctx, path);
            }
            else
            {
                if (verb == "watch")
                {
                    // A watch is logged when it starts: tests look for open watches, not finished ones.
                    Record(ctx, started, info, verb, identity, 200);
                }

                await _resources.ServeAsync(ctx, info, verb);
            }
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted)
            {
                await Responses.WriteStatusAsync(ctx, e);
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // client went away
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            if (!ctx.Response.HasStarted)
            {
                await Responses.WriteStatusAsync(ctx, ApiException.BadRequest(e.Message));
            }
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            // A bug of the sandbox: answer as the API server answers its own panics, so clients see a Status.
            await Responses.WriteStatusAsync(ctx, new ApiException(500, "InternalError", $"Internal error occurred: {e.GetType().Name}: {e.Message}"));
        }

        if (verb != "watch" || info is null)
        {
            Record(ctx, started, info, verb, identity ?? "", ctx.Response.StatusCode);
        }
    }

    private void Record(HttpContext ctx, DateTimeOffset started, RequestInfo? info, string verb, string identity, int status) =>
        log.Add(new KubernetesRequestRecord(
            started,
            ctx.Request.Method,
            ctx.Request.Path.Value + ctx.Request.QueryString.Value,
            verb,
            info?.Group ?? "",
            info?.Version ?? "",
            info?.Resource ?? "",
            info?.Subresource ?? "",
            info?.Namespace ?? "",
            info?.Name ?? "",
            ctx.Request.Headers.UserAgent.ToString(),
            identity,
            status,
            ctx.Request.ContentType ?? "",
            ctx.Request.Query["fieldManager"].ToString()));
}
