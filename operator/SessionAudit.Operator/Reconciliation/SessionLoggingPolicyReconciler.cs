using SessionAudit.Kubernetes.Controller;
using SessionAudit.Operator.Accounts;
using SessionAudit.Kubernetes.Events;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Status;
using SessionAudit.Operator.Hosting;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Reports;
using Finalized = SessionAudit.Kubernetes.Controller.FinalizeResult<SessionAudit.Operator.Resources.SessionLoggingPolicyResource>;
using DomainResult = SessionAudit.Policy.Reconciliation.ReconcileResult;
using RuntimeResult = SessionAudit.Kubernetes.Controller.ReconcileResult;

namespace SessionAudit.Operator.Reconciliation;

/// <summary>
/// Glue between the controller runtime and the policy domain: maps the object to the domain and back, runs the domain
/// reconciler, refreshes the report when it is due, writes status and events, and answers the runtime. The runtime reads
/// the object and keeps the finalizer (<see cref="FinalizingReconciler{T}"/>); the domain decides when it may go.
/// </summary>
internal sealed partial class SessionLoggingPolicyReconciler(
    IResourceCache<SessionLoggingPolicyResource> cache,
    IStatusWriter<SessionLoggingPolicyResource> statusWriter,
    IEventRecorder events,
    PolicyReconciler domain,
    AccountSource accounts,
    IPolicyReports reports,
    PolicyMetrics metrics,
    TimeProvider time,
    ILogger<SessionLoggingPolicyReconciler> log) : IFinalizingReconciler<SessionLoggingPolicyResource>
{
    public string Finalizer => SessionLoggingPolicy.Finalizer;

    public async Task<RuntimeResult> ReconcileAsync(SessionLoggingPolicyResource obj, ReconcileRequest req, CancellationToken ct) =>
        Answer(await RunAsync(obj, ct));

    public async Task<Finalized> FinalizeAsync(SessionLoggingPolicyResource obj, ReconcileRequest req, CancellationToken ct)
    {
        var run = await RunAsync(obj, ct);
        if (run.Result.Outcome != PolicyOutcome.Deleted)
        {
            return Finalized.NotYet(Answer(run));
        }

        // From the object as last stored; after a stale write that may be a new one under the name, and then the runtime
        // removes the finalizer from ours.
        return Finalized.Done(run.Written.Object);
    }

    public Task ForgetAsync(ResourceKey key, CancellationToken ct)
    {
        reports.Forget(key.Name);
        metrics.Forget(key.Name);
        return Task.CompletedTask;
    }

    private async Task<Run> RunAsync(SessionLoggingPolicyResource obj, CancellationToken ct)
    {
        DomainResult result;
        SessionLoggingPolicyStatus status;
        TimeSpan? reportIn = null;
        if (!PolicyMapping.TryToDomain(obj, out var policy, out var error))
        {
            // A spec the API server let through but the domain cannot read (an older CRD, a hand-edited object): a
            // condition, never a crash.
            result = PolicyReconciler.Unreadable(PolicyMapping.Metadata(obj), PolicyMapping.ReadStatus(obj), error!, time.GetUtcNow());
            status = result.Status;
        }
        else
        {
            // The AwsAccount (and its external-id Secret) as a cluster admin declared it; the domain decides what follows.
            var account = await accounts.ResolveAsync(policy!.Spec, ct);
            // Only policies with the same ownership key can conflict; their views are memoised per cached object.
            result = await domain.ReconcileAsync(policy, PolicyViews.SameOwnership(policy, cache, account), account, ReconcileMode.Apply, ct);
            status = result.Status;
            if (!policy.Metadata.DeletionRequested && policy.Spec.Report is not null && result.MayCallAws && account.Binding is { } binding)
            {
                var refresh = await reports.RefreshIfDueAsync(policy, binding, status.Report, ct);
                reportIn = refresh.NextIn;
                await RecordAsync(obj, refresh.Events, ct);
                if (refresh.Summary is { } summary)
                {
                    // What the new report says of log delivery: LogsDelivered, Ready under requireDelivery, a Warning
                    // when more logs are missing than the last report found.
                    var (withReport, reportEvents) = ReportConditions.Apply(status with { Report = summary }, policy.Spec, policy.Status?.Report,
                        policy.Metadata.Generation, time.GetUtcNow());
                    status = withReport;
                    await RecordAsync(obj, reportEvents, ct);
                }
            }

            status = StatusHeartbeat.KeepSyncTimeWhenUnchanged(status, policy.Status);
        }

        var json = PolicyMapping.WriteStatus(status);
        var written = await statusWriter.WriteAsync(obj, o => o.Status = json, ct);
        if (written.Outcome != StatusWriteOutcome.Stale)
        {
            // The time AWS was really read, not the status's, which moves at most hourly when nothing changed.
            metrics.Record(obj.Metadata.Name, status with { LastSyncTime = result.Status.LastSyncTime ?? status.LastSyncTime });
        }
        await RecordAsync(obj, result.Events, ct);
        if (result.Writes > 0)
        {
            LogWrites(log, obj.Metadata.Name, result.Writes, result.Plan.Changes.Count);
        }

        return new Run(result, reportIn, written);
    }

    private static RuntimeResult Answer(Run run)
    {
        if (run.Written.Outcome == StatusWriteOutcome.Stale)
        {
            // The spec (or the object) changed while this status was computed: it was not written; reconcile the new one.
            return RuntimeResult.Transient("the policy changed while it was reconciled; its status is computed again");
        }

        var result = run.Result;
        if (result.Retry.Kind == RetryKind.Backoff)
        {
            // Transient AWS failures take the runtime's per-key exponential backoff (and its retries metric).
            return RuntimeResult.Transient(result.Retry.Reason ?? "an AWS call failed for a reason that may pass");
        }

        if (result.Outcome == PolicyOutcome.Invalid)
        {
            return RuntimeResult.Terminal(result.Status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Message ?? "invalid spec");
        }

        return Min(result.Retry.AfterDelay, run.ReportIn) is { } delay && delay > TimeSpan.Zero ? RuntimeResult.RequeueAfter(delay) : RuntimeResult.Success();
    }

    private async Task RecordAsync(SessionLoggingPolicyResource obj, IReadOnlyList<PolicyEvent> list, CancellationToken ct)
    {
        foreach (var e in list)
        {
            await events.RecordAsync(obj, e.Type, e.Reason, e.Message, ct);
        }
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);

    /// <summary>One pass: what the domain decided, when the report is due next, and what the status write did.</summary>
    private sealed record Run(DomainResult Result, TimeSpan? ReportIn, StatusWriteResult<SessionLoggingPolicyResource> Written);

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy {Name}: {Writes} AWS write calls for {Changes} planned changes")]
    private static partial void LogWrites(ILogger logger, string name, int writes, int changes);
}
