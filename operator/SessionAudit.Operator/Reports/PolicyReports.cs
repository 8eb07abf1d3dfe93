using Amazon.S3.Model;
using SessionAudit.Aws;
using SessionAudit.Aws.Configuration;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Rendering;
using PolicySummary = SessionAudit.Policy.Model.ReportSummary;
using PolicyWindow = SessionAudit.Policy.Model.ReportWindow;

namespace SessionAudit.Operator.Reports;

/// <summary>
/// Refreshes a policy's session report on its own interval (not on every reconcile): the summary for status,
/// the HTML for the HTTP endpoint, and the JSON and HTML files in S3 when the policy asks for them.
/// </summary>
public sealed partial class PolicyReports(AwsScopeFactory aws, ReportStore store, TimeProvider time, ILogger<PolicyReports> log)
{
    /// <summary>What a refresh produced: a new summary (null when none was due or it failed), when the next one is due, events.</summary>
    public sealed record Refresh(PolicySummary? Summary, TimeSpan? NextIn, IReadOnlyList<PolicyEvent> Events);

    public async Task<Refresh> RefreshIfDueAsync(SessionLoggingPolicy policy, PolicySummary? previous, CancellationToken ct)
    {
        var spec = policy.Spec.Report ?? throw new ArgumentException("the policy asks for no report", nameof(policy));
        var interval = Durations.TryParse(spec.Interval, out var i) && i > TimeSpan.Zero ? i : TimeSpan.FromHours(1);
        var now = time.GetUtcNow();
        var name = policy.Metadata.Name;
        var dueAt = previous?.LastReportTime is { } last && previous.Window?.Days == spec.LookbackDays && store.Get(name) is not null
            ? last + interval
            : now;
        if (dueAt > now)
        {
            return new Refresh(null, dueAt - now, []);
        }

        var scope = AwsScope.Of(policy.Spec);
        try
        {
            using var activity = Hosting.Telemetry.ActivitySource.StartActivity("report " + name);
            var engine = new SessionReportEngine(aws.SessionActivity(scope), time);
            var report = await engine.RunAsync(
                new ReportOptions
                {
                    Days = spec.LookbackDays,
                    KmsEncryptionConfigured = !string.IsNullOrEmpty(policy.Spec.Kms?.KeyId),
                },
                ct);

            await using var htmlText = new StringWriter();
            await HtmlReportRenderer.RenderAsync(report, htmlText, ct);
            var html = htmlText.ToString();
            store.Put(name, html);

            var events = new List<PolicyEvent>();
            if (spec.S3 is { } target)
            {
                var exported = await ExportAsync(scope, target, report, html, ct);
                events.Add(exported);
            }

            LogRefreshed(log, name, report.Summary.Total, report.Summary.Unlogged);
            return new Refresh(ToStatus(report.Summary), interval, events);
        }
        catch (AwsFailure failure)
        {
            LogFailed(log, name, failure.Message);
            var retry = failure.IsTransient ? TimeSpan.FromMinutes(1) : interval;
            return new Refresh(null, retry, [PolicyEvent.Warning("ReportFailed", $"The session report could not be made: {failure.Message}")]);
        }
    }

    public void Forget(string policy) => store.Remove(policy);

    private async Task<PolicyEvent> ExportAsync(AwsScope scope, ReportS3Spec target, SessionReport report, string html, CancellationToken ct)
    {
        var clients = aws.Clients(scope);
        var prefix = target.KeyPrefix ?? "";
        using var json = new MemoryStream();
        await JsonReportWriter.WriteAsync(report, json, ct);
        try
        {
            await Put(clients, target.BucketName, prefix + "report.json", "application/json", json.ToArray(), ct);
            await Put(clients, target.BucketName, prefix + "report.html", "text/html; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(html), ct);
            return PolicyEvent.Normal("ReportExported", $"Session report written to s3://{target.BucketName}/{prefix}report.json and report.html.");
        }
        catch (AwsFailure failure)
        {
            return PolicyEvent.Warning("ReportExportFailed", $"The session report could not be written to s3://{target.BucketName}/{prefix}: {failure.Message}");
        }
    }

    private static Task<PutObjectResponse> Put(AwsClients clients, string bucket, string key, string contentType, byte[] body, CancellationToken ct) =>
        clients.RunAsync(AwsService.S3, "PutObject", c => clients.S3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                ContentType = contentType,
                InputStream = new MemoryStream(body),
            },
            c), ct);

    private static PolicySummary ToStatus(Reporting.Model.ReportSummary s) => new()
    {
        Window = new PolicyWindow { From = s.Window.Start, To = s.Window.End, Days = s.Window.Days },
        Total = s.Total,
        ByStatus = s.ByStatus.ToDictionary(kv => kv.Key, kv => (long)kv.Value, StringComparer.Ordinal),
        DistinctTargets = s.DistinctTargets,
        DistinctOwners = s.DistinctOwners,
        Unlogged = s.Unlogged,
        ReadinessWarnings = s.ReadinessWarnings,
        LastReportTime = s.LastReportTime,
    };


    [LoggerMessage(Level = LogLevel.Information, Message = "Session report for {Policy}: {Total} sessions, {Unlogged} not logged")]
    private static partial void LogRefreshed(ILogger logger, string policy, int total, int unlogged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session report for {Policy} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string policy, string error);
}
