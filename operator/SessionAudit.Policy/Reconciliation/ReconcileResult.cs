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

/// <summary>What one reconcile decided about the policy. The runtime acts on this alone (never on condition reasons).</summary>
public enum PolicyOutcome
{
    /// <summary>AWS was observed (and, in Enforce, driven toward the spec); the status says how far it got.</summary>
    Reconciled,
    /// <summary>The spec is invalid or unreadable: nothing was read or written in AWS; nothing helps but a new spec.</summary>
    Invalid,
    /// <summary>An older policy manages the same account, region and document: nothing was read or written in AWS.</summary>
    Conflict,
    /// <summary>The policy is being deleted and nothing in AWS holds it any longer: its finalizer may go.</summary>
    Deleted,
}

/// <summary>How a retry is wanted.</summary>
public enum RetryKind
{
    /// <summary>Only when the policy changes.</summary>
    None,
    /// <summary>After a fixed delay (the drift interval, a prerequisite's re-check).</summary>
    After,
    /// <summary>Soon, with the runtime's per-key exponential backoff: an AWS call failed for a reason that may pass.</summary>
    Backoff,
}

/// <summary>When to reconcile the policy again.</summary>
/// <param name="Kind">None, After or Backoff.</param>
/// <param name="Delay">For <see cref="RetryKind.After"/>: the delay.</param>
/// <param name="Reason">For <see cref="RetryKind.Backoff"/>: what failed, as the runtime logs it.</param>
public sealed record Retry(RetryKind Kind, TimeSpan Delay, string? Reason)
{
    /// <summary>Only when the policy changes.</summary>
    public static Retry None { get; } = new(RetryKind.None, TimeSpan.Zero, null);

    /// <summary>After <paramref name="delay"/> (must be positive).</summary>
    public static Retry After(TimeSpan delay) =>
        delay > TimeSpan.Zero ? new(RetryKind.After, delay, null) : throw new ArgumentOutOfRangeException(nameof(delay), "must be positive");

    /// <summary>With the runtime's backoff.</summary>
    public static Retry Backoff(string reason) => new(RetryKind.Backoff, TimeSpan.Zero, reason);

    /// <summary>The delay when <see cref="RetryKind.After"/>, else null.</summary>
    public TimeSpan? AfterDelay => Kind == RetryKind.After ? Delay : null;
}

/// <summary>The outcome of one reconcile: the new status, the events to record, what was decided, when to come back, and the plan.</summary>
/// <param name="Status">Status to write through the /status subresource.</param>
/// <param name="Events">Kubernetes Events to record.</param>
/// <param name="Outcome">What was decided (the runtime removes the finalizer on <see cref="PolicyOutcome.Deleted"/> only).</param>
/// <param name="Retry">When to reconcile again.</param>
/// <param name="Plan">Changes made (Enforce) or that would be made (Observe, dry run).</param>
/// <param name="Writes">AWS write calls made.</param>
public sealed record ReconcileResult(
    SessionLoggingPolicyStatus Status,
    IReadOnlyList<PolicyEvent> Events,
    PolicyOutcome Outcome,
    Retry Retry,
    Plan Plan,
    int Writes)
{
    /// <summary>True when AWS was (or may be) read for this policy: neither invalid nor in conflict. Only then may
    /// anything else (the session report) call AWS for it.</summary>
    public bool MayCallAws => Outcome is PolicyOutcome.Reconciled or PolicyOutcome.Deleted;
}
