using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Events;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Status;
using SessionAudit.Operator.Reports;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;
using RuntimeResult = SessionAudit.Kubernetes.Controller.ReconcileResult;

namespace SessionAudit.Operator.Reconciliation;

/// <summary>
/// Glue between the controller runtime and the policy domain: reads the policy from the cache, keeps the finalizer,
/// runs the domain reconciler, refreshes the report when it is due, and writes status and events.
/// </summary>
internal sealed partial class SessionLoggingPolicyReconciler(
    IResourceCache<SessionLoggingPolicyResource> cache,
    StatusWriter<SessionLoggingPolicyResource> statusWriter,
    Finalizers<SessionLoggingPolicyResource> finalizers,
    EventRecorder events,
    PolicyReconciler domain,
    PolicyReports reports,
    TimeProvider time,
    ILogger<SessionLoggingPolicyReconciler> log) : IReconciler<SessionLoggingPolicyResource>
{
    public async Task<RuntimeResult> ReconcileAsync(ReconcileRequest req, CancellationToken ct)
    {
        var obj = cache.Get(req.Key);
        if (obj is null)
        {
            reports.Forget(req.Key.Name);
            return RuntimeResult.Success();
        }

        var deleting = Finalizers<SessionLoggingPolicyResource>.IsDeleting(obj);
        if (!PolicyMapping.TryToDomain(obj, out var policy, out var error))
        {
            return await UnreadableAsync(obj, error!, deleting, ct);
        }

        if (deleting && !Finalizers<SessionLoggingPolicyResource>.Has(obj, SessionLoggingPolicy.Finalizer))
        {
            return RuntimeResult.Success();
        }

        if (!deleting && !Finalizers<SessionLoggingPolicyResource>.Has(obj, SessionLoggingPolicy.Finalizer))
        {
            // The finalizer goes on before anything in AWS is touched, so a deletion can never skip the cleanup.
            obj = await finalizers.AddAsync(obj, SessionLoggingPolicy.Finalizer, ct);
            if (obj is null)
            {
                return RuntimeResult.Success();
            }
        }

        // Only policies with the same ownership key can conflict; their views are memoised per cached object.
        var others = PolicyViews.SameOwnership(policy!, cache.List());

        var result = await domain.ReconcileAsync(policy!, others, ReconcileMode.Apply, ct);
        var status = result.Status;
        var requeue = result.Retry.AfterDelay;
        if (!deleting && policy!.Spec.Report is not null && result.MayCallAws)
        {
            var refresh = await reports.RefreshIfDueAsync(policy, status.Report, ct);
            status = status with { Report = refresh.Summary ?? status.Report };
            requeue = Min(requeue, refresh.NextIn);
            foreach (var e in refresh.Events)
            {
                await events.RecordAsync(obj, e.Type, e.Reason, e.Message, ct);
            }
        }

        var json = PolicyMapping.WriteStatus(StatusHeartbeat.KeepSyncTimeWhenUnchanged(status, policy!.Status));
        var written = await statusWriter.WriteAsync(obj, o => o.Status = json, ct);
        foreach (var e in result.Events)
        {
            await events.RecordAsync(obj, e.Type, e.Reason, e.Message, ct);
        }

        if (result.Writes > 0)
        {
            LogWrites(log, obj.Metadata.Name, result.Writes, result.Plan.Changes.Count);
        }

        if (deleting && result.Outcome == PolicyOutcome.Deleted)
        {
            reports.Forget(obj.Metadata.Name);

            // After a stale status write the fresh object may be a new one under the name: remove from ours only.
            await finalizers.RemoveAsync(written.Outcome == StatusWriteOutcome.Stale ? obj : written.Object ?? obj, SessionLoggingPolicy.Finalizer);
            return RuntimeResult.Success();
        }

        if (written.Outcome == StatusWriteOutcome.Stale)
        {
            // The spec (or the object) changed while this status was computed: it was not written; reconcile the new one.
            return RuntimeResult.Transient("the policy changed while it was reconciled; its status is computed again");
        }

        if (result.Retry.Kind == RetryKind.Backoff)
        {
            // Transient AWS failures take the runtime's per-key exponential backoff (and its retries metric).
            return RuntimeResult.Transient(result.Retry.Reason ?? "an AWS call failed for a reason that may pass");
        }

        if (result.Outcome == PolicyOutcome.Invalid)
        {
            return RuntimeResult.Terminal(result.Status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Message ?? "invalid spec");
        }

        return requeue is { } delay && delay > TimeSpan.Zero ? RuntimeResult.RequeueAfter(delay) : RuntimeResult.Success();
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);

    /// <summary>A spec the API server let through but the domain cannot read (an older CRD, a hand-edited object): a condition, never a crash.</summary>
    private async Task<RuntimeResult> UnreadableAsync(SessionLoggingPolicyResource obj, string error, bool deleting, CancellationToken ct)
    {
        var result = PolicyReconciler.Unreadable(PolicyMapping.Metadata(obj), PolicyMapping.ReadStatus(obj), error, time.GetUtcNow());
        var written = await statusWriter.WriteAsync(obj, o => o.Status = PolicyMapping.WriteStatus(result.Status), ct);
        foreach (var e in result.Events)
        {
            await events.RecordAsync(obj, e.Type, e.Reason, e.Message, ct);
        }

        if (deleting && result.Outcome == PolicyOutcome.Deleted && Finalizers<SessionLoggingPolicyResource>.Has(obj, SessionLoggingPolicy.Finalizer))
        {
            await finalizers.RemoveAsync(written.Object ?? obj, SessionLoggingPolicy.Finalizer);
        }

        return RuntimeResult.Terminal(result.Plan.Notes.FirstOrDefault() ?? error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy {Name}: {Writes} AWS write calls for {Changes} planned changes")]
    private static partial void LogWrites(ILogger logger, string name, int writes, int changes);
}
