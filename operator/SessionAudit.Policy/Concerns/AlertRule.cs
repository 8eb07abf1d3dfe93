using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Validation;

namespace SessionAudit.Policy.Concerns;

/// <summary>What removing the policy's rule takes down, as read from AWS.</summary>
/// <param name="RuleName">The rule's deterministic name.</param>
/// <param name="Rule">The policy's rule; null when absent or not the policy's.</param>
/// <param name="NotOwned">A rule of that name exists that this policy did not create: it is left alone.</param>
/// <param name="Owned">The operator's targets on the rule (target id prefix).</param>
/// <param name="Foreign">Targets the operator did not create: while there are any, the rule itself stays.</param>
internal sealed record RuleRemoval(string RuleName, EventRuleInfo? Rule, bool NotOwned, IReadOnlyList<EventTarget> Owned, int Foreign)
{
    /// <summary>True when the rule goes (or is already gone, or never was the policy's).</summary>
    public bool RuleGoes => Foreign == 0;

    /// <summary>True when removing it writes anything.</summary>
    public bool HasWrites => Rule is not null;
}

/// <summary>What the alert rule concern read.</summary>
/// <param name="Rule">DescribeRule; null when absent.</param>
/// <param name="DescribeFailure">DescribeRule failed.</param>
/// <param name="Desired">The targets the spec asks for (needs the account for Run Command and CodePipeline ARNs).</param>
/// <param name="Targets">ListTargetsByRule; empty for an absent rule.</param>
/// <param name="Missing">Desired targets about to be written whose resource does not exist.</param>
/// <param name="Failure">A later read failed.</param>
/// <param name="Removal">Alerts were removed from the spec: what removing the rule takes down (null when there is nothing to look at).</param>
internal sealed record RuleObservation(
    EventRuleInfo? Rule,
    AwsFailure? DescribeFailure,
    IReadOnlyList<DesiredTarget> Desired,
    IReadOnlyList<EventTarget> Targets,
    IReadOnlySet<string> Missing,
    AwsFailure? Failure,
    RuleRemoval? Removal);

/// <summary>The alert rule concern's plan.</summary>
/// <param name="Report">Plan and drift, with the verdict that holds when nothing is applied.</param>
/// <param name="RuleArn">status.ruleArn when nothing is applied.</param>
/// <param name="Put">PutRule to make (create, or pattern/state/description changed); null for none.</param>
/// <param name="Remove">Operator targets to remove.</param>
/// <param name="Ready">Targets to put (existing, within the limit).</param>
/// <param name="Removal">The rule's removal (alerts no longer in the spec).</param>
/// <param name="ProblemEvents">Warnings that hold whether or not anything is applied.</param>
/// <param name="ReadyMessage">The verdict once applied, when no problem stands.</param>
internal sealed record RuleDelta(
    ConcernReport Report,
    string? RuleArn,
    EventRuleDefinition? Put,
    bool Creates,
    IReadOnlyList<EventTarget> Remove,
    IReadOnlyList<DesiredTarget> Ready,
    RuleRemoval? Removal,
    IReadOnlyList<PolicyEvent> ProblemEvents,
    string? ReadyMessage)
{
    /// <summary>True when Apply has something to write.</summary>
    public bool HasChanges => Put is not null || Remove.Count > 0 || Ready.Count > 0 || Removal is { HasWrites: true };
}

/// <summary>The session activity rule (S7, S8): only the operator's own rule and targets are ever changed.</summary>
internal static class AlertRule
{
    private const string Type = ConditionTypes.AlertsReady;

    /// <summary>Reads the rule, its targets, the account when target ARNs need it, and whether targets about to be
    /// written exist (one already in place costs no read on a no-op pass).</summary>
    public static async Task<RuleObservation> ObserveAsync(IAwsEnvironment aws, PolicyFacts policy, CancellationToken ct)
    {
        var ruleName = ResourceNames.Rule(policy.Name);
        var none = new HashSet<string>(StringComparer.Ordinal);
        if (policy.Spec.Alerts is not { } alerts)
        {
            if (policy.Previous.RuleArn is null)
            {
                return new RuleObservation(null, null, [], [], none, null, null);
            }

            try
            {
                var removal = await PlanRemovalAsync(aws.Rules, policy, ct).ConfigureAwait(false);
                return new RuleObservation(null, null, [], [], none, null, removal);
            }
            catch (AwsFailure f)
            {
                return new RuleObservation(null, null, [], [], none, f, null);
            }
        }

        var rule = await Observed<EventRuleInfo>.ReadAsync(() => aws.Rules.DescribeAsync(ruleName, ct)).ConfigureAwait(false);
        if (rule.Failure is not null || rule.Value is { } r && !ResourceNames.IsOwnedRule(r.Description, policy.Name))
        {
            return new RuleObservation(rule.Value, rule.Failure, [], [], none, null, null);
        }

        try
        {
            string? account = null;
            if (AlertRuleDesign.NeedsAccount(alerts))
            {
                account = Arn.AccountOfRole(policy.Spec.RoleArn) ?? await aws.Identity.GetAccountIdAsync(ct).ConfigureAwait(false);
            }

            var desired = AlertRuleDesign.Targets(alerts, policy.Spec.Region, account);
            var targets = rule.Value is null ? [] : await aws.Rules.ListTargetsAsync(ruleName, ct).ConfigureAwait(false);
            var missing = new HashSet<string>(StringComparer.Ordinal);
            foreach (var target in ToPut(desired, targets))
            {
                if (target.Kind is { } kind && !await aws.AlertTargets.ExistsAsync(kind, target.Target.Arn, ct).ConfigureAwait(false))
                {
                    missing.Add(target.Target.Arn);
                }
            }

            return new RuleObservation(rule.Value, null, desired, targets, missing, null, null);
        }
        catch (AwsFailure f)
        {
            return new RuleObservation(rule.Value, null, [], [], none, f, null);
        }
    }

    /// <summary>Compares the rule and its targets with the spec.</summary>
    public static RuleDelta Diff(PolicyFacts policy, AuditTrailInfo? trail, RuleObservation observed)
    {
        var report = new ConcernReport(Type);
        var ruleName = ResourceNames.Rule(policy.Name);
        var previousArn = policy.Previous.RuleArn;
        if (policy.Spec.Alerts is not { } alerts)
        {
            if (previousArn is null)
            {
                report.Set(true, "NotConfigured", "spec.alerts is not set: no rule.");
                return Nothing(report, null);
            }

            if (observed.Failure is { } rf)
            {
                report.Failed(rf, $"Removing rule {ruleName} (events:RemoveTargets, events:DeleteRule)", policy.Spec.RoleArn);
                return Nothing(report, previousArn);
            }

            // Alerts were removed from the spec: take down the rule this policy made.
            var removal = observed.Removal!;
            PlanRemoval(report, removal);
            report.Set(true, "NotConfigured", removal.HasWrites && removal.RuleGoes
                ? $"spec.alerts is not set; rule {ruleName} would be removed. {policy.NotApplied}"
                : "spec.alerts is not set: no rule.");
            return new RuleDelta(report, removal.RuleGoes ? null : previousArn, null, false, [], [], removal, [], "spec.alerts is not set: no rule.");
        }

        if (observed.DescribeFailure is { } df)
        {
            report.Failed(df, $"Reading rule {ruleName} (events:DescribeRule)", policy.Spec.RoleArn);
            return Nothing(report, previousArn);
        }

        var rule = observed.Rule;
        if (rule is not null && !ResourceNames.IsOwnedRule(rule.Description, policy.Name))
        {
            var message = $"An EventBridge rule named {ruleName} exists that this policy did not create (its description lacks \"{ResourceNames.RuleMarker}{policy.Name}:\"). The operator never changes rules it did not create: rename or delete that rule.";
            report.Set(false, "RuleNotOwned", message);
            report.Stalled.Add("AlertsReady: RuleNotOwned");
            report.Warn("RuleNotOwned", message);
            return Nothing(report, null);
        }

        if (observed.Failure is { } f)
        {
            report.Failed(f, Managing(ruleName), policy.Spec.RoleArn);
            return Nothing(report, rule?.Arn ?? previousArn);
        }

        var desired = observed.Desired;
        var pattern = AlertRuleDesign.Pattern(alerts);
        var description = ResourceNames.RuleDescription(policy.Name);
        var ruleChanges = new List<(string Path, string? Current, string Desired)>();
        if (rule is null)
        {
            report.Plan("rule", ChangeAction.Create, $"rule[{ruleName}]", null, pattern);
            report.Drift.Add("rule");
        }
        else
        {
            if (!AlertRuleDesign.SamePattern(pattern, rule.EventPattern))
            {
                ruleChanges.Add(("rule.eventPattern", rule.EventPattern, pattern));
            }

            if (rule.State != "ENABLED")
            {
                ruleChanges.Add(("rule.state", rule.State, "ENABLED"));
            }

            if (rule.Description != description)
            {
                ruleChanges.Add(("rule.description", rule.Description, description));
            }

            foreach (var (path, cur, want) in ruleChanges)
            {
                report.Plan("rule", ChangeAction.Update, path, cur, want);
                report.Drift.Add(path);
            }
        }

        var existing = observed.Targets;
        var desiredIds = desired.Select(d => d.Target.Id).ToHashSet(StringComparer.Ordinal);
        var toRemove = existing.Where(t => t.Id.StartsWith(ResourceNames.TargetIdPrefix, StringComparison.Ordinal) && !desiredIds.Contains(t.Id)).ToList();
        var foreign = existing.Where(t => !t.Id.StartsWith(ResourceNames.TargetIdPrefix, StringComparison.Ordinal)).ToList();
        var toPut = ToPut(desired, existing);
        var problems = new List<string>();
        var problemEvents = new List<PolicyEvent>();
        var ready = new List<DesiredTarget>();
        foreach (var target in toPut)
        {
            if (observed.Missing.Contains(target.Target.Arn))
            {
                var message = $"{target.SpecPath}: {target.Target.Arn} does not exist; it is not added to the rule until it does.";
                problems.Add(message);
                problemEvents.Add(PolicyEvent.Warning("TargetNotFound", message));
                report.Waiting = true;
            }
            else
            {
                ready.Add(target);
            }
        }

        var tooMany = foreign.Count + desired.Count > PolicyValidator.MaxTargets;
        if (tooMany)
        {
            problems.Add($"Rule {ruleName} carries {foreign.Count} target(s) the operator did not create ({string.Join(", ", foreign.Select(t => t.Id))}); with the policy's {desired.Count} it exceeds the {PolicyValidator.MaxTargets} EventBridge allows. Remove those targets.");
            ready.Clear();
            report.Stalled.Add("AlertsReady: TooManyTargets");
        }

        foreach (var t in toRemove)
        {
            report.Plan("rule", ChangeAction.Delete, $"rule.targets[{t.Id}]", t.Arn, null);
            report.Drift.Add($"rule.targets[{t.Id}]");
        }

        foreach (var t in toPut)
        {
            var had = existing.FirstOrDefault(e => e.Id == t.Target.Id);
            report.Plan("rule", had is null ? ChangeAction.Create : ChangeAction.Update, $"rule.targets[{t.Target.Id}]", had?.Arn, t.Target.Arn + (t.Target.RoleArn is { } role ? $" (role {role})" : ""));
            report.Drift.Add($"rule.targets[{t.Target.Id}]");
        }

        report.Events.AddRange(problemEvents);
        var pending = ruleChanges.Count + toRemove.Count + toPut.Count + (rule is null ? 1 : 0);
        string? readyMessage = null;
        if (problems.Count > 0)
        {
            report.Set(false, tooMany ? "TooManyTargets" : "TargetNotFound", string.Join(" ", problems));
        }
        else
        {
            readyMessage = $"Rule {ruleName} matches {string.Join(", ", alerts.Events ?? SessionEventNames.All)} with {desired.Count} target(s)."
                           + (trail is { Logging: false } ? " It will not fire until a CloudTrail trail logs in the region (see AuditTrailReady)." : "");
            if (pending > 0)
            {
                var message = $"Rule {ruleName} differs from the policy in {pending} place(s): {Changes(report)}. {policy.NotApplied}";
                report.Set(false, "DriftDetected", message);
                report.Warn("DriftDetected", message);
            }
            else
            {
                report.Set(true, "RuleReady", readyMessage);
            }
        }

        var put = rule is null || ruleChanges.Count > 0 ? new EventRuleDefinition(ruleName, pattern, "ENABLED", description) : null;
        return new RuleDelta(report, rule?.Arn, put, rule is null, toRemove, ready, null, problemEvents, readyMessage);
    }

    /// <summary>Writes the rule and its targets, or removes the rule (Enforce only); returns the report and status.ruleArn.</summary>
    public static async Task<(ConcernReport Report, string? RuleArn)> ApplyAsync(IEventRulePort rules, PolicyFacts policy, RuleDelta delta, CancellationToken ct)
    {
        var report = delta.Report.CarryPlan();
        var ruleName = ResourceNames.Rule(policy.Name);
        report.Events.AddRange(delta.ProblemEvents);
        var ruleArn = delta.RuleArn;
        try
        {
            if (delta.Removal is { } removal)
            {
                await RemoveAsync(rules, removal, report, ct).ConfigureAwait(false);
                report.Set(true, "NotConfigured", delta.ReadyMessage!);
                return (report, removal.RuleGoes ? null : policy.Previous.RuleArn);
            }

            if (delta.Put is { } put)
            {
                ruleArn = await report.WriteAsync(() => rules.PutAsync(put, ct)).ConfigureAwait(false);
                var alerts = policy.Spec.Alerts!;
                report.Normal(delta.Creates ? "RuleCreated" : "RuleUpdated",
                    $"{(delta.Creates ? "Created" : "Updated")} EventBridge rule {ruleName} for {string.Join(", ", alerts.Events ?? SessionEventNames.All)}" + (delta.Creates ? "." : $": {Changes(report)}."));
            }

            if (delta.Remove.Count > 0)
            {
                await report.WriteAsync(() => rules.RemoveTargetsAsync(ruleName, delta.Remove.Select(t => t.Id).ToList(), ct)).ConfigureAwait(false);
                report.Normal("TargetsRemoved", $"Removed target(s) {string.Join(", ", delta.Remove.Select(t => t.Arn))} from rule {ruleName}.");
            }

            if (delta.Ready.Count > 0)
            {
                await report.WriteAsync(() => rules.PutTargetsAsync(ruleName, delta.Ready.Select(t => t.Target).ToList(), ct)).ConfigureAwait(false);
                report.Normal("TargetsAdded", $"Put target(s) {string.Join(", ", delta.Ready.Select(t => t.Target.Arn))} on rule {ruleName}.");
            }

            if (delta.ReadyMessage is { } ready)
            {
                report.Set(true, "RuleReady", ready);
            }
            else
            {
                report.Set(delta.Report.Condition!.Value.Status, delta.Report.Condition.Value.Reason, delta.Report.Condition.Value.Message);
            }
        }
        catch (AwsFailure f)
        {
            report.Failed(f, delta.Removal is null ? Managing(ruleName) : $"Removing rule {ruleName} (events:RemoveTargets, events:DeleteRule)", policy.Spec.RoleArn);
            ruleArn ??= policy.Previous.RuleArn;
        }

        return (report, ruleArn);
    }

    /// <summary>What removing the policy's rule takes down: the rule by its deterministic name, only when its
    /// description carries this policy's ownership marker, and only the operator's targets. Reads only.</summary>
    public static async Task<RuleRemoval> PlanRemovalAsync(IEventRulePort rules, PolicyFacts policy, CancellationToken ct)
    {
        var ruleName = ResourceNames.Rule(policy.Name);
        var rule = await rules.DescribeAsync(ruleName, ct).ConfigureAwait(false);
        if (rule is null)
        {
            return new RuleRemoval(ruleName, null, false, [], 0);
        }

        if (!ResourceNames.IsOwnedRule(rule.Description, policy.Name))
        {
            return new RuleRemoval(ruleName, null, true, [], 0);
        }

        var targets = await rules.ListTargetsAsync(ruleName, ct).ConfigureAwait(false);
        var ours = targets.Where(t => t.Id.StartsWith(ResourceNames.TargetIdPrefix, StringComparison.Ordinal)).ToList();
        return new RuleRemoval(ruleName, rule, false, ours, targets.Count - ours.Count);
    }

    /// <summary>Adds a removal's planned changes and notes to <paramref name="report"/>.</summary>
    public static void PlanRemoval(ConcernReport report, RuleRemoval removal)
    {
        if (removal.NotOwned)
        {
            report.Notes.Add($"Rule {removal.RuleName} was not created by this policy; it is left alone.");
            return;
        }

        if (removal.Rule is null)
        {
            return;
        }

        foreach (var t in removal.Owned)
        {
            report.Plan("rule", ChangeAction.Delete, $"rule.targets[{t.Id}]", t.Arn, null);
        }

        if (removal.Foreign > 0)
        {
            report.Notes.Add($"Rule {removal.RuleName} keeps {removal.Foreign} target(s) the operator did not create, so the rule itself is kept.");
        }
        else
        {
            report.Plan("rule", ChangeAction.Delete, $"rule[{removal.RuleName}]", removal.Rule.Arn, null);
        }
    }

    /// <summary>Removes the operator's targets and, when no foreign targets remain, the rule (Enforce only).</summary>
    public static async Task RemoveAsync(IEventRulePort rules, RuleRemoval removal, ConcernReport report, CancellationToken ct)
    {
        if (removal.Rule is null)
        {
            return;
        }

        if (removal.Owned.Count > 0)
        {
            await report.WriteAsync(() => rules.RemoveTargetsAsync(removal.RuleName, removal.Owned.Select(t => t.Id).ToList(), ct)).ConfigureAwait(false);
        }

        if (removal.RuleGoes)
        {
            await report.WriteAsync(() => rules.DeleteAsync(removal.RuleName, ct)).ConfigureAwait(false);
            report.Normal("RuleDeleted", $"Deleted EventBridge rule {removal.RuleName} and its {removal.Owned.Count} target(s).");
        }
    }

    private static RuleDelta Nothing(ConcernReport report, string? ruleArn) => new(report, ruleArn, null, false, [], [], null, [], null);

    private static List<DesiredTarget> ToPut(IReadOnlyList<DesiredTarget> desired, IReadOnlyList<EventTarget> existing) =>
        desired.Where(d => !existing.Any(e => AlertRuleDesign.SameTarget(d.Target, e))).ToList();

    private static string Managing(string ruleName) =>
        $"Managing rule {ruleName} (events:PutRule, events:ListTargetsByRule, events:PutTargets, events:RemoveTargets)";

    /// <summary>The rule's planned changes with current and desired values, as the plan prints them (at most five).</summary>
    private static string Changes(ConcernReport report) =>
        PreferencesDocument.Listed(report.Changes.Where(c => c.Concern == "rule").Select(c => c.ToString()).ToList(), "; ");
}
