using System.Net;
using SessionAudit.Kubernetes.Hosting;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Operator.Reports;
using SessionAudit.Operator.Resources;

namespace SessionAudit.Operator.Hosting;

/// <summary>The operator's HTTP endpoints: Prometheus metrics, liveness and readiness on the metrics port; the latest report
/// of each policy on the loopback reports listener only.</summary>
internal static class HttpEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (ILeadershipStatus leadership, IResourceCache<SessionLoggingPolicyResource> cache) =>
            // A standby is ready (it serves metrics and takes over when the leader goes); the leader once its cache is filled.
            !leadership.IsActive || cache.HasSynced
                ? Results.Text("ok\n")
                : Results.Text("cache not synced\n", statusCode: (int)HttpStatusCode.ServiceUnavailable));
        var reports = app.MapGroup("/reports").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // Only on the loopback reports listener: on the metrics port (which other pods reach) the reports do not exist.
            if (http.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items.ContainsKey(HttpListeners.ReportsConnection) != true)
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return await next(context);
        });
        reports.MapGet("", (ReportStore store) => Results.Content(Index(store), "text/html; charset=utf-8"));
        reports.MapGet("/{name}.html", (string name, ReportStore store) =>
            store.Get(name) is { } html
                ? Results.Content(html, "text/html; charset=utf-8")
                : Results.NotFound($"no report for policy '{name}' yet (is spec.report set, and is this replica the leader?)\n"));
    }

    private static string Index(ReportStore store)
    {
        var items = string.Concat(store.Policies.Select(p =>
            $"<li><a href=\"/reports/{WebUtility.HtmlEncode(p)}.html\">{WebUtility.HtmlEncode(p)}</a></li>"));
        return $"<!doctype html><html><head><meta charset=\"utf-8\"><title>Session reports</title></head><body><h1>Session reports</h1><ul>{items}</ul></body></html>";
    }
}
