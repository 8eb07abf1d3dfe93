using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>How the reconciler may touch AWS.</summary>
public enum ReconcileMode
{
    /// <summary>Follow spec.mode: Enforce writes, Observe only reports.</summary>
    Apply,
    /// <summary>Never write, whatever spec.mode says (`session-audit plan`).</summary>
    DryRun,
}

/// <summary>The outcome of one reconcile: the new status, the events to record, when to come back, and the plan.</summary>
/// <param name="Status">Status to write through the /status subresource.</param>
/// <param name="Events">Kubernetes Events to record.</param>
/// <param name="RequeueAfter">When to reconcile again; null: only when the policy changes.</param>
/// <param name="Plan">Changes made (Enforce) or that would be made (Observe, dry run).</param>
/// <param name="DeletionComplete">For a policy being deleted: cleanup is done and the finalizer may be removed.</param>
/// <param name="Writes">AWS write calls made.</param>
public sealed record ReconcileResult(
    SessionLoggingPolicyStatus Status,
    IReadOnlyList<PolicyEvent> Events,
    TimeSpan? RequeueAfter,
    Plan Plan,
    bool DeletionComplete,
    int Writes);
