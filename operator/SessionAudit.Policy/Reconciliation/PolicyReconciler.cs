using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Validation;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>Drives AWS toward one SessionLoggingPolicy: observe every concern through the ports, compare with the spec,
/// change only what differs (Enforce), and report conditions, drift, events and a plan.</summary>
public sealed partial class PolicyReconciler(IAwsScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan PrerequisiteRetry = TimeSpan.FromMinutes(1);

    /// <summary>Reconciles <paramref name="policy"/>. <paramref name="others"/> are the other policies the caller knows
    /// (from its cache), used to find conflicts; the policy itself may be among them.</summary>
    public async Task<ReconcileResult> ReconcileAsync(
        SessionLoggingPolicy policy,
        IReadOnlyList<SessionLoggingPolicy> others,
        ReconcileMode mode,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var now = time.GetUtcNow();
        var errors = PolicyValidator.Validate(policy.Spec);
        if (errors.Count > 0)
        {
            return Invalid(policy, errors, now);
        }

        if (ConflictOwner(policy, others) is { } owner)
        {
            return Conflict(policy, owner, now);
        }

        var write = mode == ReconcileMode.Apply && policy.Spec.Mode == PolicyMode.Enforce;
        var aws = scopes.For(AwsScope.Of(policy.Spec));
        var ctx = new ReconcileContext(policy, aws, write, now);

        if (policy.Metadata.DeletionRequested)
        {
            return await DeleteAsync(ctx, cancellationToken).ConfigureAwait(false);
        }

        await CheckBucketAsync(ctx, cancellationToken).ConfigureAwait(false);
        await CheckLogGroupAsync(ctx, cancellationToken).ConfigureAwait(false);
        await CheckKeyAsync(ctx, cancellationToken).ConfigureAwait(false);
        await CheckTrailAsync(ctx, cancellationToken).ConfigureAwait(false);
        await SyncDocumentAsync(ctx, cancellationToken).ConfigureAwait(false);
        await SyncGrantsAsync(ctx, cancellationToken).ConfigureAwait(false);
        await SyncAlertsAsync(ctx, cancellationToken).ConfigureAwait(false);
        return Finish(ctx);
    }

    private ReconcileResult Finish(ReconcileContext ctx)
    {
        var c = ctx.Conditions;
        // Ready names the root cause: a failing prerequisite before the concerns that wait for it (a held setting
        // group makes PreferencesSynced False only because of a prerequisite).
        var relevant = ConditionTypes.RootCauseOrder
            .Where(t => t != ConditionTypes.AuditTrailReady || ctx.Spec.Alerts is not null)
            .Select(c.Get)
            .OfType<Condition>()
            .ToList();
        var notReady = relevant.FirstOrDefault(x => x.Status != "True");
        var observe = ctx.Spec.Mode == PolicyMode.Observe;
        if (notReady is null)
        {
            c.Set(ConditionTypes.Ready, true, "Synced", observe
                ? "AWS matches the policy (Observe mode: the operator changes nothing)."
                : "AWS matches the policy.");
        }
        else
        {
            c.Set(ConditionTypes.Ready, false, notReady.Reason, $"{notReady.Type}: {notReady.Message}");
        }

        if (ctx.StalledBecause.Count > 0)
        {
            c.Set(ConditionTypes.Stalled, true, "NeedsUserAction", string.Join("; ", ctx.StalledBecause));
        }
        else
        {
            c.Set(ConditionTypes.Stalled, false, "Progressing", "Nothing blocks progress.");
        }

        if (ctx.Transient)
        {
            c.Set(ConditionTypes.Reconciling, true, "Retrying", "An AWS call failed for a reason that may pass (throttling, unavailability, concurrent change); the operator retries.");
        }
        else if (ctx.Waiting)
        {
            c.Set(ConditionTypes.Reconciling, true, "WaitingForPrerequisites", "Some settings wait for their prerequisites (see the conditions that are not True); the operator checks again.");
        }
        else
        {
            c.Set(ConditionTypes.Reconciling, false, "Converged", observe ? "Observed; nothing is changed in Observe mode." : "Every concern was observed and converged.");
        }

        var drift = DriftInterval(ctx.Spec);
        var retry = ctx.Transient ? Retry.Backoff(TransientReason(ctx))
            : ctx.Waiting ? Retry.After(drift < PrerequisiteRetry ? drift : PrerequisiteRetry)
            : Retry.After(drift);

        var status = new SessionLoggingPolicyStatus
        {
            ObservedGeneration = ctx.Meta.Generation,
            Conditions = c.ToList(),
            Document = ctx.Document ?? ctx.Previous.Document,
            RuleArn = ctx.RuleArn,
            Grants = ctx.Grants is { Count: > 0 } g ? g : null,
            LastSyncTime = ctx.Now,
            Drift = ctx.Drift,
            Report = ctx.Previous.Report,
        };
        return new ReconcileResult(status, ctx.Events, PolicyOutcome.Reconciled, retry, new Plan(ctx.Changes, ctx.Notes), ctx.Writes);
    }

    private static ReconcileResult Invalid(SessionLoggingPolicy policy, IReadOnlyList<ValidationError> errors, DateTimeOffset now)
    {
        var message = "The spec is invalid; nothing is read or written in AWS until it is fixed: " + string.Join("; ", errors.Select(e => e.ToString()));
        return InvalidSpec(policy.Metadata, policy.Status, message, errors.Select(e => "invalid " + e).ToList(), now);
    }

    /// <summary>The result for a policy whose spec cannot even be read (an older CRD, a hand-edited object): the same
    /// decision as an invalid spec, made here once for both.</summary>
    public static ReconcileResult Unreadable(PolicyMetadata metadata, SessionLoggingPolicyStatus? previous, string error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var message = $"The spec cannot be read: {error}. Nothing is read or written in AWS until it is fixed.";
        return InvalidSpec(metadata, previous, message, [message], now);
    }

    private static ReconcileResult InvalidSpec(PolicyMetadata meta, SessionLoggingPolicyStatus? previous, string message, IReadOnlyList<string> notes, DateTimeOffset now)
    {
        var c = new ConditionSet(previous?.Conditions, meta.Generation, now);
        c.Set(ConditionTypes.Ready, false, "InvalidSpec", message);
        c.Set(ConditionTypes.Stalled, true, "InvalidSpec", message);
        c.Set(ConditionTypes.Reconciling, false, "InvalidSpec", "Waiting for a corrected spec.");
        var status = (previous ?? new SessionLoggingPolicyStatus()) with
        {
            ObservedGeneration = meta.Generation,
            Conditions = c.ToList(),
        };
        var events = new[] { PolicyEvent.Warning("InvalidSpec", message) };
        // A policy being deleted with a bad spec must not block deletion forever: nothing can be cleaned safely, so let it go.
        var outcome = meta.DeletionRequested ? PolicyOutcome.Deleted : PolicyOutcome.Invalid;
        return new ReconcileResult(status, events, outcome, Retry.None, new Plan([], notes), 0);
    }

    /// <summary>The account, region and document a policy manages; two policies with the same key conflict.</summary>
    public static (string Account, string Region, string Document) OwnershipKey(SessionLoggingPolicySpec spec) =>
        (Arn.AccountOfRole(AwsScope.Of(spec).RoleArn) ?? "", spec.Region, spec.DocumentName);

    /// <summary>The policy that owns what <paramref name="policy"/> wants to manage, when it is another one (older by
    /// creationTimestamp, then name); null when <paramref name="policy"/> owns it.</summary>
    public static SessionLoggingPolicy? ConflictOwner(SessionLoggingPolicy policy, IReadOnlyList<SessionLoggingPolicy> others)
    {
        var key = OwnershipKey(policy.Spec);
        var owner = others
            .Where(o => o.Metadata.Name != policy.Metadata.Name && o.Spec is not null && OwnershipKey(o.Spec) == key)
            .Append(policy)
            .OrderBy(o => o.Metadata.CreationTimestamp)
            .ThenBy(o => o.Metadata.Name, StringComparer.Ordinal)
            .First();
        return owner.Metadata.Name == policy.Metadata.Name ? null : owner;
    }

    private ReconcileResult Conflict(SessionLoggingPolicy policy, SessionLoggingPolicy owner, DateTimeOffset now)
    {
        var (account, region, document) = OwnershipKey(policy.Spec);
        var where = $"document {document} in region {region}" + (account.Length > 0 ? $" of account {account}" : " of the operator's account");
        var message = $"SessionLoggingPolicy {owner.Metadata.Name} (older) already manages {where}; this policy makes no changes. Delete one of them, or point this one at another account, region or documentName.";
        var c = new ConditionSet(policy.Status?.Conditions, policy.Metadata.Generation, now);
        c.Set(ConditionTypes.Ready, false, "Conflict", message);
        c.Set(ConditionTypes.Stalled, true, "Conflict", message);
        c.Set(ConditionTypes.Reconciling, false, "Conflict", "Waiting for the conflict to be resolved.");
        var status = (policy.Status ?? new SessionLoggingPolicyStatus()) with
        {
            ObservedGeneration = policy.Metadata.Generation,
            Conditions = c.ToList(),
        };
        // A conflicting policy owns nothing in AWS, so deleting it needs no cleanup. Otherwise it looks again every drift
        // interval: the owner may be deleted or moved.
        return new ReconcileResult(status, [PolicyEvent.Warning("Conflict", message)],
            policy.Metadata.DeletionRequested ? PolicyOutcome.Deleted : PolicyOutcome.Conflict,
            policy.Metadata.DeletionRequested ? Retry.None : Retry.After(DriftInterval(policy.Spec)),
            new Plan([], [message]), 0);
    }

    private static string TransientReason(ReconcileContext ctx) =>
        "AWS calls failed for a reason that may pass: " + string.Join("; ", ctx.Conditions.ToList()
            .Where(x => x.Status == "Unknown" || x.Reason is "AwsThrottled" or "AwsUnavailable" or "AwsConflict" or "DuplicateVersionNotFound")
            .Select(x => $"{x.Type}: {x.Reason}"));

    /// <summary>The policy's driftCheckInterval, 5 minutes when unset.</summary>
    internal static TimeSpan DriftInterval(SessionLoggingPolicySpec spec) =>
        Durations.TryParse(spec.DriftCheckInterval, out var d) && d > TimeSpan.Zero ? d : TimeSpan.FromMinutes(5);

}
