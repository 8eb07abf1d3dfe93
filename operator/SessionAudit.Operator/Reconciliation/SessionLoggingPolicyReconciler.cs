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
        var requeue = result.RequeueAfter;
        if (!deleting && policy!.Spec.Report is not null && MayReport(status))
        {
            var refresh = await reports.RefreshIfDueAsync(policy, status.Report, ct);
            status = status with { Report = refresh.Summary ?? status.Report };
            requeue = Min(requeue, refresh.NextIn);
            foreach (var e in refresh.Events)
            {
                await events.RecordAsync(obj, e.Type, e.Reason, e.Message, ct);
            }
        }

        var json = PolicyMapping.WriteStatus(KeepSyncTimeWhenUnchanged(status, policy!.Status));
        var written = await statusWriter.WriteAsync(obj, o => o.Status = json, ct);
        foreach (var e in result.Events)
        {
            await events.RecordAsync(obj, e.Type, e.Reason, e.Message, ct);
        }

        if (result.Writes > 0)
        {
            LogWrites(log, obj.Metadata.Name, result.Writes, result.Plan.Changes.Count);
        }

        if (deleting && result.DeletionComplete)
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

        return requeue is { } delay && delay > TimeSpan.Zero ? RuntimeResult.RequeueAfter(delay) : RuntimeResult.Success();
    }

    // The report only reads session history, so it does not wait for the logging settings; a policy in conflict
    // or with an invalid spec makes no AWS calls at all, reads included.
    private static bool MayReport(SessionLoggingPolicyStatus status) =>
        status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is not { Reason: "Conflict" or "InvalidSpec" };

    /// <summary>
    /// A drift check that finds nothing new would otherwise rewrite status only to move lastSyncTime: one API write per
    /// policy per resync. lastSyncTime therefore moves with any other change, and at least every <see cref="SyncTimeHeartbeat"/>.
    /// </summary>
    internal static SessionLoggingPolicyStatus KeepSyncTimeWhenUnchanged(SessionLoggingPolicyStatus next, SessionLoggingPolicyStatus? previous)
    {
        if (previous?.LastSyncTime is not { } last || next.LastSyncTime is not { } now || now - last >= SyncTimeHeartbeat)
        {
            return next;
        }

        var candidate = next with { LastSyncTime = last };
        var same = System.Text.Json.Nodes.JsonNode.DeepEquals(
            System.Text.Json.JsonSerializer.SerializeToNode(candidate, PolicyJson.Options),
            System.Text.Json.JsonSerializer.SerializeToNode(previous, PolicyJson.Options));
        return same ? candidate : next;
    }

    internal static readonly TimeSpan SyncTimeHeartbeat = TimeSpan.FromHours(1);

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);

    /// <summary>A spec the API server let through but the domain cannot read (an older CRD, a hand-edited object): a condition, never a crash.</summary>
    private async Task<RuntimeResult> UnreadableAsync(SessionLoggingPolicyResource obj, string error, bool deleting, CancellationToken ct)
    {
        var meta = PolicyMapping.Metadata(obj);
        var previous = PolicyMapping.ReadStatus(obj);
        var message = $"The spec cannot be read: {error}. Nothing is read or written in AWS until it is fixed.";
        var conditions = new ConditionSet(previous?.Conditions, meta.Generation, time.GetUtcNow());
        conditions.Set(ConditionTypes.Ready, false, "InvalidSpec", message);
        conditions.Set(ConditionTypes.Stalled, true, "InvalidSpec", message);
        conditions.Set(ConditionTypes.Reconciling, false, "InvalidSpec", "Waiting for a corrected spec.");
        var status = (previous ?? new SessionLoggingPolicyStatus()) with
        {
            ObservedGeneration = meta.Generation,
            Conditions = conditions.ToList(),
        };
        var json = PolicyMapping.WriteStatus(status);
        var written = await statusWriter.WriteAsync(obj, o => o.Status = json, ct);
        await events.RecordAsync(obj, "Warning", "InvalidSpec", message, ct);
        if (deleting && Finalizers<SessionLoggingPolicyResource>.Has(obj, SessionLoggingPolicy.Finalizer))
        {
            // Nothing can be cleaned safely from a spec we cannot read; holding the object forever would help no one.
            await finalizers.RemoveAsync(written.Object ?? obj, SessionLoggingPolicy.Finalizer);
        }

        return RuntimeResult.Terminal(message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy {Name}: {Writes} AWS write calls for {Changes} planned changes")]
    private static partial void LogWrites(ILogger logger, string name, int writes, int changes);
}
