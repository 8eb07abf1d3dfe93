using SessionAudit.Aws;
using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Reports;
using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Export;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Rendering;
using PolicySummary = SessionAudit.Policy.Model.ReportSummary;

namespace SessionAudit.Operator.Reports;

/// <summary>
/// Refreshes a policy's session report when <see cref="ReportSchedule"/> says it is due (not on every reconcile): the
/// summary for status, the HTML for the HTTP endpoint, and the JSON and HTML files through the export port when the
/// policy asks for them.
/// </summary>
public sealed partial class PolicyReports(AwsScopeFactory aws, ReportStore store, TimeProvider time, ILogger<PolicyReports> log)
{
    /// <summary>What a refresh produced: a new summary (null when none was due or it failed), when the next one is due, events.</summary>
    public sealed record Refresh(PolicySummary? Summary, TimeSpan? NextIn, IReadOnlyList<PolicyEvent> Events);

    public async Task<Refresh> RefreshIfDueAsync(SessionLoggingPolicy policy, AccountBinding account, PolicySummary? previous, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(account);
        var spec = policy.Spec.Report ?? throw new ArgumentException("the policy asks for no report", nameof(policy));
        var name = policy.Metadata.Name;
        var dueIn = ReportSchedule.DueIn(spec, previous, store.Get(name) is not null, time.GetUtcNow());
        if (dueIn > TimeSpan.Zero)
        {
            return new Refresh(null, dueIn, []);
        }

        var scope = account.ScopeFor(name, policy.Spec.Region);
        try
        {
            using var activity = Hosting.Telemetry.ActivitySource.StartActivity("report " + name);
            var engine = new SessionReportEngine(aws.SessionActivity(scope), time);
            var report = await engine.RunAsync(
                new ReportOptions
                {
                    Account = await ReportAccount.OfAsync(aws, scope, ct),
                    Region = scope.Region,
                    Days = spec.LookbackDays,
                    LogGracePeriod = TimeSpan.FromMinutes(spec.LogGraceMinutes),
                    KmsEncryptionConfigured = !string.IsNullOrEmpty(policy.Spec.Kms?.KeyId),
                    CloudWatchStreamingConfigured = policy.Spec.CloudWatch?.Streaming == true,
                    ShellProfileConfigured = !string.IsNullOrEmpty(policy.Spec.Session?.ShellProfile?.Linux) || !string.IsNullOrEmpty(policy.Spec.Session?.ShellProfile?.Windows),
                    InstanceRoles = policy.Spec.EffectiveInstanceRoles,
                },
                ct);

            await using var htmlText = new StringWriter();
            await HtmlReportRenderer.RenderAsync(report, htmlText, ct);
            var html = htmlText.ToString();
            store.Put(name, html);

            var events = new List<PolicyEvent>();
            if (spec.S3 is { } target)
            {
                // Without allowedReportBuckets the export may only go to the account's own buckets: S3 refuses it
                // (403) when the expected owner, the account itself, does not own the bucket. A listed bucket was
                // chosen by a cluster admin and keeps the spec's expected owner.
                var owner = account.Guardrails.AllowedReportBuckets is null ? report.Account : policy.Spec.S3?.ExpectedBucketOwner;
                events.Add(Guardrails.ReportBucketRefusal(target.BucketName, account) is { } refused
                    ? PolicyEvent.Warning(Guardrails.NotAllowed, refused)
                    : account.Guardrails.AllowedReportBuckets is null && owner is null
                        ? PolicyEvent.Warning(Guardrails.NotAllowed, $"The report is not exported: the account could not be read (sts:GetCallerIdentity), so s3://{target.BucketName} cannot be checked to be its own.")
                        : await ExportAsync(scope, target, owner, report, html, ct));
            }

            LogRefreshed(log, name, report.Summary.Total, report.Summary.Unlogged);
            return new Refresh(ReportStatus.From(report.Summary), ReportSchedule.Interval(spec), events);
        }
        catch (AwsFailure failure)
        {
            LogFailed(log, name, failure.Message);
            return new Refresh(null, ReportSchedule.RetryIn(spec, failure.IsTransient), [PolicyEvent.Warning("ReportFailed", $"The session report could not be made: {failure.Message}")]);
        }
    }

    public void Forget(string policy) => store.Remove(policy);

    private async Task<PolicyEvent> ExportAsync(AwsScope scope, ReportS3Spec target, string? expectedOwner, SessionReport report, string html, CancellationToken ct)
    {
        var prefix = target.KeyPrefix ?? "";
        try
        {
            await ReportExport.WriteAsync(aws.ReportExport(scope), report, html, target.BucketName, prefix, expectedOwner, ct);
            return PolicyEvent.Normal("ReportExported", $"Session report written to s3://{target.BucketName}/{prefix}{ReportExport.JsonName} and {ReportExport.HtmlName}.");
        }
        catch (AwsFailure failure)
        {
            return PolicyEvent.Warning("ReportExportFailed", $"The session report could not be written to s3://{target.BucketName}/{prefix}: {failure.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session report for {Policy}: {Total} sessions, {Unlogged} not logged")]
    private static partial void LogRefreshed(ILogger logger, string policy, int total, int unlogged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session report for {Policy} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string policy, string error);
}
