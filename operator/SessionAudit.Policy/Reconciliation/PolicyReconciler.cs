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
    private static readonly TimeSpan TransientRetry = TimeSpan.FromSeconds(15);
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
        var aws = scopes.For(new AwsScope(policy.Spec.Region, NullIfEmpty(policy.Spec.RoleArn), NullIfEmpty(policy.Spec.ExternalId)));
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

        TimeSpan? requeue = ctx.Transient ? TransientRetry
            : ctx.Waiting ? (drift < PrerequisiteRetry ? drift : PrerequisiteRetry)
            : drift;

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
        return new ReconcileResult(status, ctx.Events, requeue, new Plan(ctx.Changes, ctx.Notes), false, ctx.Writes);
    }

    private static ReconcileResult Invalid(SessionLoggingPolicy policy, IReadOnlyList<ValidationError> errors, DateTimeOffset now)
    {
        var message = "The spec is invalid; nothing is read or written in AWS until it is fixed: " + string.Join("; ", errors.Select(e => e.ToString()));
        var c = new ConditionSet(policy.Status?.Conditions, policy.Metadata.Generation, now);
        c.Set(ConditionTypes.Ready, false, "InvalidSpec", message);
        c.Set(ConditionTypes.Stalled, true, "InvalidSpec", message);
        c.Set(ConditionTypes.Reconciling, false, "InvalidSpec", "Waiting for a corrected spec.");
        var status = (policy.Status ?? new SessionLoggingPolicyStatus()) with
        {
            ObservedGeneration = policy.Metadata.Generation,
            Conditions = c.ToList(),
        };
        var events = new[] { PolicyEvent.Warning("InvalidSpec", message) };
        var plan = new Plan([], errors.Select(e => "invalid " + e).ToList());
        // A policy being deleted with a bad spec must not block deletion forever: nothing can be cleaned safely, so let it go.
        return new ReconcileResult(status, events, null, plan, policy.Metadata.DeletionRequested, 0);
    }

    /// <summary>The account, region and document a policy manages; two policies with the same key conflict.</summary>
    public static (string Account, string Region, string Document) OwnershipKey(SessionLoggingPolicySpec spec) =>
        (Arn.AccountOfRole(NullIfEmpty(spec.RoleArn)) ?? "", spec.Region, spec.DocumentName);

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
        var drift = Durations.TryParse(policy.Spec.DriftCheckInterval, out var d) && d > TimeSpan.Zero ? d : TimeSpan.FromMinutes(5);
        // A conflicting policy owns nothing in AWS, so deleting it needs no cleanup.
        return new ReconcileResult(status, [PolicyEvent.Warning("Conflict", message)], drift, new Plan([], [message]), policy.Metadata.DeletionRequested, 0);
    }

    /// <summary>The policy's driftCheckInterval, 5 minutes when unset.</summary>
    internal static TimeSpan DriftInterval(SessionLoggingPolicySpec spec) =>
        Durations.TryParse(spec.DriftCheckInterval, out var d) && d > TimeSpan.Zero ? d : TimeSpan.FromMinutes(5);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
