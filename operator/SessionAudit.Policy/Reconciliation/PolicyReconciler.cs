using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Concerns;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Validation;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>Drives AWS toward one SessionLoggingPolicy: observe every concern through the ports, compare with the spec,
/// change only what differs (Enforce), and report conditions, drift, events and a plan.</summary>
public sealed class PolicyReconciler(IAwsScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan PrerequisiteRetry = TimeSpan.FromMinutes(1);

    /// <summary>Out-of-band changes corrected in a row (same generation) before the operator stops fighting the other writer.</summary>
    public const int MaxDriftCorrections = PreferencesDocument.MaxDriftCorrections;

    /// <summary>Versions the operator deletes at once when the document is at SSM's version limit.</summary>
    public const int VersionsPrunedAtLimit = PreferencesDocument.VersionsPrunedAtLimit;

    /// <summary>Reconciles <paramref name="policy"/> in the operator's own account under the built-in guardrails (no
    /// AwsAccount exists). <paramref name="others"/> are the other policies the caller knows (from its cache), used to
    /// find conflicts; the policy itself may be among them.</summary>
    public Task<ReconcileResult> ReconcileAsync(
        SessionLoggingPolicy policy,
        IReadOnlyList<SessionLoggingPolicy> others,
        ReconcileMode mode,
        CancellationToken cancellationToken) =>
        ReconcileAsync(policy, others, AccountContext.BuiltIn, mode, cancellationToken);

    /// <summary>Reconciles <paramref name="policy"/> in the account <paramref name="account"/> binds it to, within that
    /// account's guardrails. <paramref name="others"/> are the other policies the caller knows (from its cache), used to
    /// find conflicts; the policy itself may be among them.</summary>
    public async Task<ReconcileResult> ReconcileAsync(
        SessionLoggingPolicy policy,
        IReadOnlyList<SessionLoggingPolicy> others,
        AccountContext account,
        ReconcileMode mode,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(account);
        var now = time.GetUtcNow();
        var errors = PolicyValidator.Validate(policy.Spec);
        if (errors.Count > 0)
        {
            return Invalid(policy, errors, now);
        }

        if (account.Binding is not { } binding)
        {
            return AccountUnavailable(policy, account.Problem ?? "the policy's AwsAccount cannot be used", now);
        }

        if (ConflictOwner(policy, others, account) is { } owner)
        {
            return Conflict(policy, owner, account, now);
        }

        var facts = new PolicyFacts(policy.Metadata.Name, policy.Metadata.Uid, policy.Metadata.Generation, policy.Spec,
            policy.Status ?? new SessionLoggingPolicyStatus(), now, binding);
        var aws = scopes.For(binding.ScopeFor(policy.Metadata.Name, policy.Spec.Region));
        // The one guard: only here may anything be written, so Observe mode and `plan` cannot write by construction.
        var enforce = mode == ReconcileMode.Apply && policy.Spec.Mode == PolicyMode.Enforce;
        if (policy.Metadata.DeletionRequested)
        {
            // Removal is never refused by a guardrail: it only takes away what the policy made.
            return await DeleteAsync(aws, facts, enforce, cancellationToken).ConfigureAwait(false);
        }

        var refusals = await GuardrailRefusalsAsync(aws, facts, cancellationToken).ConfigureAwait(false);

        // Observe every concern: reads only. What one concern needs of another is passed on as a value.
        var bucket = await BucketCheck.ObserveAsync(aws.Buckets, facts, cancellationToken).ConfigureAwait(false);
        var bucketKeyObserved = await BucketKeyCheck.ObserveAsync(aws.Keys, bucket, cancellationToken).ConfigureAwait(false);
        var logGroup = await LogGroupCheck.ObserveAsync(aws.LogGroups, facts, cancellationToken).ConfigureAwait(false);
        var logGroupKey = await LogGroupKeyCheck.ObserveAsync(aws.Keys, logGroup, cancellationToken).ConfigureAwait(false);
        var sessionKey = await SessionKeyCheck.ObserveAsync(aws.Keys, facts, cancellationToken).ConfigureAwait(false);
        var trail = await TrailCheck.ObserveAsync(aws.Trails, facts, cancellationToken).ConfigureAwait(false);
        var (keyCheck, key) = SessionKeyCheck.Diff(facts, sessionKey);
        var (bucketCheck, bucketKey) = BucketKeyCheck.Diff(facts, BucketCheck.Diff(facts, bucket), bucket, bucketKeyObserved);
        var grantTargets = GrantTargets.Of(facts, key, bucketKey);
        var document = await PreferencesDocument.ObserveAsync(aws.Documents, facts, cancellationToken).ConfigureAwait(false);
        var grants = await KmsGrants.ObserveAsync(aws.Grants, facts, grantTargets, cancellationToken).ConfigureAwait(false);
        var rule = await AlertRule.ObserveAsync(aws, facts, cancellationToken).ConfigureAwait(false);

        // Plan: pure.
        var checks = new[] { bucketCheck, LogGroupKeyCheck.Diff(facts, LogGroupCheck.Diff(facts, logGroup), logGroup, logGroupKey), keyCheck };
        var held = checks.Select(c => c.Held).OfType<SettingGroup>().ToHashSet();
        var (trailReport, trailInfo) = TrailCheck.Diff(facts, trail);
        var documentDelta = PreferencesDocument.Diff(facts, held, document);
        var grantsDelta = KmsGrants.Diff(facts, grantTargets, grants);
        var ruleDelta = AlertRule.Diff(facts, trailInfo, rule);

        // Apply, in Enforce only; each concern's verdict is its plan's when nothing is applied. What a guardrail refuses
        // is neither applied nor planned: its concern reports the refusal and keeps what AWS has.
        var (documentReport, documentStatus) = (documentDelta.Report, documentDelta.Status);
        var (grantsReport, grantStatus) = (grantsDelta.Report, grantsDelta.Grants);
        var (ruleReport, ruleArn) = (ruleDelta.Report, ruleDelta.RuleArn);
        var refused = refusals.ToDictionary(r => r.Type);
        if (refused.TryGetValue(ConditionTypes.PreferencesSynced, out var documentRefusal))
        {
            (documentReport, documentStatus) = (documentRefusal, facts.Previous.Document);
        }

        if (refused.TryGetValue(ConditionTypes.KmsGrantsReady, out var grantsRefusal))
        {
            (grantsReport, grantStatus) = (grantsRefusal, facts.Previous.Grants);
        }

        if (refused.TryGetValue(ConditionTypes.AlertsReady, out var ruleRefusal))
        {
            (ruleReport, ruleArn) = (ruleRefusal, facts.Previous.RuleArn);
        }

        if (enforce)
        {
            if (documentDelta.Write is not null && documentRefusal is null)
            {
                (documentReport, documentStatus) = await PreferencesDocument.ApplyAsync(aws.Documents, facts, held, documentDelta, cancellationToken).ConfigureAwait(false);
            }

            if (grantsDelta.HasChanges && grantsRefusal is null)
            {
                (grantsReport, grantStatus) = await KmsGrants.ApplyAsync(aws.Grants, facts, grantsDelta, cancellationToken).ConfigureAwait(false);
            }

            if (ruleDelta.HasChanges && ruleRefusal is null)
            {
                (ruleReport, ruleArn) = await AlertRule.ApplyAsync(aws, facts, ruleDelta, cancellationToken).ConfigureAwait(false);
            }
        }

        var reports = checks.Select(c => c.Report).Append(trailReport).Append(documentReport).Append(grantsReport).Append(ruleReport).ToList();
        var status = new SessionLoggingPolicyStatus
        {
            ObservedGeneration = facts.Generation,
            Document = documentStatus ?? facts.Previous.Document,
            RuleArn = ruleArn,
            Grants = grantStatus is { Count: > 0 } g ? g : null,
            LastSyncTime = now,
            Report = facts.Previous.Report,
        };
        return Finish(facts, reports, status);
    }

    /// <summary>The guardrails' refusals as the reports of the concerns they belong to (NotAllowed, stalled: a cluster
    /// admin or the policy author must act). The own account's id is read only when the grantee check needs it.</summary>
    private static async Task<List<ConcernReport>> GuardrailRefusalsAsync(IAwsEnvironment aws, PolicyFacts facts, CancellationToken ct)
    {
        string? accountId = null;
        if (Guardrails.NeedsOwnAccountId(facts.Spec, facts.Account))
        {
            try
            {
                accountId = await aws.Identity.GetAccountIdAsync(ct).ConfigureAwait(false);
            }
            catch (AwsFailure f)
            {
                var unknown = new ConcernReport(ConditionTypes.KmsGrantsReady);
                unknown.Failed(f, "Reading the operator's own account to check spec.instanceRoles against the guardrails (sts:GetCallerIdentity)", facts.RoleArn);
                return [unknown, .. Refuse(Guardrails.Check(facts.Spec, facts.Account, null).Where(r => r.ConditionType != ConditionTypes.KmsGrantsReady))];
            }
        }

        return Refuse(Guardrails.Check(facts.Spec, facts.Account, accountId));
    }

    private static List<ConcernReport> Refuse(IEnumerable<Guardrails.Refusal> refusals) =>
        refusals.Select(r =>
        {
            var report = new ConcernReport(r.ConditionType);
            report.Set(false, Guardrails.NotAllowed, r.Message);
            report.Stalled.Add($"{r.ConditionType}: {Guardrails.NotAllowed}");
            report.Notes.Add(r.Message);
            report.Warn(Guardrails.NotAllowed, r.Message);
            return report;
        }).ToList();

    private static ReconcileResult Finish(PolicyFacts facts, IReadOnlyList<ConcernReport> reports, SessionLoggingPolicyStatus status)
    {
        var c = new ConditionSet(facts.Previous.Conditions, facts.Generation, facts.Now);
        foreach (var r in reports)
        {
            if (r.Condition is { } condition)
            {
                c.Set(r.Type, condition.Status, condition.Reason, condition.Message);
            }
        }

        // Ready names the root cause: a failing prerequisite before the concerns that wait for it (a held setting
        // group makes PreferencesSynced False only because of a prerequisite).
        var relevant = ConditionTypes.RootCauseOrder
            .Where(t => t != ConditionTypes.AuditTrailReady || facts.Spec.Alerts is not null)
            .Select(c.Get)
            .OfType<Condition>()
            .ToList();
        // Missing session logs hold Ready only when the spec says so; the condition comes from the last report.
        if (Reports.ReportConditions.Blocks(facts.Spec, facts.Previous.Conditions))
        {
            relevant.Add(facts.Previous.Conditions!.First(x => x.Type == ConditionTypes.LogsDelivered));
        }

        var notReady = relevant.FirstOrDefault(x => x.Status != "True");
        var observe = facts.Spec.Mode == PolicyMode.Observe;
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

        var stalled = reports.SelectMany(r => r.Stalled).ToList();
        if (stalled.Count > 0)
        {
            c.Set(ConditionTypes.Stalled, true, "NeedsUserAction", string.Join("; ", stalled));
        }
        else
        {
            c.Set(ConditionTypes.Stalled, false, "Progressing", "Nothing blocks progress.");
        }

        var transient = reports.Where(r => r.Transient).ToList();
        var waiting = reports.Any(r => r.Waiting);
        if (transient.Count > 0)
        {
            c.Set(ConditionTypes.Reconciling, true, "Retrying", "An AWS call failed for a reason that may pass (throttling, unavailability, concurrent change); the operator retries.");
        }
        else if (waiting)
        {
            c.Set(ConditionTypes.Reconciling, true, "WaitingForPrerequisites", "Some settings wait for their prerequisites (see the conditions that are not True); the operator checks again.");
        }
        else
        {
            c.Set(ConditionTypes.Reconciling, false, "Converged", observe ? "Observed; nothing is changed in Observe mode." : "Every concern was observed and converged.");
        }

        var drift = DriftInterval(facts.Spec);
        var retry = transient.Count > 0
            ? Retry.Backoff("AWS calls failed for a reason that may pass: " + string.Join("; ", transient.Select(r => $"{r.Type}: {r.Condition?.Reason}")))
            : waiting ? Retry.After(drift < PrerequisiteRetry ? drift : PrerequisiteRetry)
            : Retry.After(drift);
        status = status with
        {
            Conditions = c.ToList(),
            Drift = reports.SelectMany(r => r.Drift).ToList(),
        };
        var plan = new Plan(reports.SelectMany(r => r.Changes).ToList(), reports.SelectMany(r => r.Notes).ToList());
        return new ReconcileResult(status, reports.SelectMany(r => r.Events).ToList(), PolicyOutcome.Reconciled, retry, plan, reports.Sum(r => r.Writes));
    }

    /// <summary>Deletion: Retain keeps AWS as it is; Delete removes what the policy owns, found by deterministic names and
    /// ownership markers in AWS, and restores the document's earlier default. Plans with reads only; writes in Enforce.</summary>
    private static async Task<ReconcileResult> DeleteAsync(IAwsEnvironment aws, PolicyFacts facts, bool enforce, CancellationToken ct)
    {
        var status = facts.Previous with { ObservedGeneration = facts.Generation };
        if (facts.Spec.DeletionPolicy == DeletionPolicy.Retain || facts.Spec.Mode == PolicyMode.Observe)
        {
            var why = facts.Spec.DeletionPolicy == DeletionPolicy.Retain
                ? "deletionPolicy is Retain: the document, rule, targets and grants stay in AWS."
                : "Observe mode never changed AWS, so deletion changes nothing.";
            var released = enforce || facts.Spec.Mode == PolicyMode.Observe;
            return new ReconcileResult(status, [PolicyEvent.Normal("Retained", why)], released ? PolicyOutcome.Deleted : PolicyOutcome.Reconciled, Retry.None, new Plan([], [why]), 0);
        }

        var report = new ConcernReport(ConditionTypes.Ready);
        try
        {
            var removal = await AlertRule.PlanRemovalAsync(aws, facts, ct).ConfigureAwait(false);
            AlertRule.PlanRemoval(report, removal);
            var grants = await KmsGrants.PlanCleanupAsync(aws, facts, report, ct).ConfigureAwait(false);
            var restore = await PreferencesDocument.PlanCleanupAsync(aws.Documents, facts, report, ct).ConfigureAwait(false);
            if (enforce)
            {
                await AlertRule.RemoveAsync(aws, removal, report, ct).ConfigureAwait(false);
                await KmsGrants.CleanupAsync(aws.Grants, grants, report, ct).ConfigureAwait(false);
                if (restore is not null)
                {
                    await PreferencesDocument.CleanupAsync(aws.Documents, restore, report, ct).ConfigureAwait(false);
                }
            }

            status = status with { RuleArn = null, Grants = null };
            return new ReconcileResult(status, report.Events, enforce ? PolicyOutcome.Deleted : PolicyOutcome.Reconciled, Retry.None,
                new Plan(report.Changes, report.Notes), report.Writes);
        }
        catch (AwsFailure f)
        {
            report.Failed(f, "Cleaning up AWS for deletion", facts.RoleArn);
            var c = new ConditionSet(facts.Previous.Conditions, facts.Generation, facts.Now);
            c.Set(ConditionTypes.Ready, report.Condition!.Value.Status, report.Condition.Value.Reason, report.Condition.Value.Message);
            c.Set(ConditionTypes.Reconciling, f.IsTransient, f.IsTransient ? "Retrying" : "CleanupBlocked", "Deletion waits for the cleanup to succeed.");
            // The runtime's backoff paces the retries (a permission fixed later is picked up within its maximum delay).
            return new ReconcileResult(status with { Conditions = c.ToList() }, report.Events, PolicyOutcome.Reconciled,
                Retry.Backoff($"cleanup for deletion failed: {f.Code ?? f.Kind.ToString()}"), new Plan(report.Changes, report.Notes), report.Writes);
        }
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

    /// <summary>The account, region and document a policy manages; two policies with the same key conflict. The account
    /// is the role's of the policy's AwsAccount ("" for the operator's own), so two AwsAccounts naming the same account
    /// conflict too.</summary>
    public static (string Account, string Region, string Document) OwnershipKey(SessionLoggingPolicySpec spec, AccountContext accounts)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(accounts);
        return (accounts.KeyOf(spec.AccountRef?.Name), spec.Region, spec.DocumentName);
    }

    /// <summary>The policy that owns what <paramref name="policy"/> wants to manage, when it is another one (older by
    /// creationTimestamp, then name); null when <paramref name="policy"/> owns it.</summary>
    public static SessionLoggingPolicy? ConflictOwner(SessionLoggingPolicy policy, IReadOnlyList<SessionLoggingPolicy> others, AccountContext accounts)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(others);
        var key = OwnershipKey(policy.Spec, accounts);
        var owner = others
            .Where(o => o.Metadata.Name != policy.Metadata.Name && o.Spec is not null && OwnershipKey(o.Spec, accounts) == key)
            .Append(policy)
            .OrderBy(o => o.Metadata.CreationTimestamp)
            .ThenBy(o => o.Metadata.Name, StringComparer.Ordinal)
            .First();
        return owner.Metadata.Name == policy.Metadata.Name ? null : owner;
    }

    private static ReconcileResult AccountUnavailable(SessionLoggingPolicy policy, string problem, DateTimeOffset now)
    {
        var message = $"The policy's AWS account cannot be used: {problem}. Nothing is read or written in AWS until it can.";
        var c = new ConditionSet(policy.Status?.Conditions, policy.Metadata.Generation, now);
        c.Set(ConditionTypes.Ready, false, "AccountUnavailable", message);
        c.Set(ConditionTypes.Stalled, true, "AccountUnavailable", message);
        c.Set(ConditionTypes.Reconciling, false, "AccountUnavailable", "Waiting for the AwsAccount.");
        var status = (policy.Status ?? new SessionLoggingPolicyStatus()) with
        {
            ObservedGeneration = policy.Metadata.Generation,
            Conditions = c.ToList(),
        };
        // A policy being deleted keeps its finalizer: what it made in that account can only be removed through it. The
        // AwsAccount's changes wake it; the drift interval is the fallback (a Secret's are not watched).
        var notes = policy.Metadata.DeletionRequested
            ? new[] { message, "Deletion waits for the AwsAccount: restore it, or remove the finalizer to leave AWS as it is." }
            : [message];
        return new ReconcileResult(status, [PolicyEvent.Warning("AccountUnavailable", message)], PolicyOutcome.Reconciled,
            Retry.After(DriftInterval(policy.Spec)), new Plan([], notes), 0);
    }

    private static ReconcileResult Conflict(SessionLoggingPolicy policy, SessionLoggingPolicy owner, AccountContext accounts, DateTimeOffset now)
    {
        var (account, region, document) = OwnershipKey(policy.Spec, accounts);
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

    /// <summary>The policy's driftCheckInterval, 5 minutes when unset.</summary>
    internal static TimeSpan DriftInterval(SessionLoggingPolicySpec spec) =>
        Durations.TryParse(spec.DriftCheckInterval, out var d) && d > TimeSpan.Zero ? d : TimeSpan.FromMinutes(5);

}
