using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Validation;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>The session activity rule (S7, S8): only the operator's own rule and targets are ever changed.</summary>
public sealed partial class PolicyReconciler
{
    private static async Task SyncAlertsAsync(ReconcileContext ctx, CancellationToken ct)
    {
        const string type = ConditionTypes.AlertsReady;
        var ruleName = ResourceNames.Rule(ctx.Meta.Name);
        if (ctx.Spec.Alerts is not { } alerts)
        {
            if (ctx.Previous.RuleArn is null)
            {
                ctx.Conditions.Set(type, true, "NotConfigured", "spec.alerts is not set: no rule.");
                return;
            }

            // Alerts were removed from the spec: take down the rule this policy made.
            try
            {
                var removed = await RemoveRuleAsync(ctx, ruleName, ct).ConfigureAwait(false);
                ctx.RuleArn = removed ? null : ctx.Previous.RuleArn;
                ctx.Conditions.Set(type, true, "NotConfigured", ctx.Write || !removed
                    ? "spec.alerts is not set: no rule."
                    : $"spec.alerts is not set; rule {ruleName} would be removed. {ctx.NotApplied}");
            }
            catch (AwsFailure f)
            {
                ctx.Failed(type, f, $"Removing rule {ruleName} (events:RemoveTargets, events:DeleteRule)");
                ctx.RuleArn = ctx.Previous.RuleArn;
            }

            return;
        }

        EventRuleInfo? rule;
        try
        {
            rule = await ctx.Aws.Rules.DescribeAsync(ruleName, ct).ConfigureAwait(false);
        }
        catch (AwsFailure f)
        {
            ctx.Failed(type, f, $"Reading rule {ruleName} (events:DescribeRule)");
            ctx.RuleArn = ctx.Previous.RuleArn;
            return;
        }

        if (rule is not null && !ResourceNames.IsOwnedRule(rule.Description, ctx.Meta.Name))
        {
            var message = $"An EventBridge rule named {ruleName} exists that this policy did not create (its description lacks \"{ResourceNames.RuleMarker}{ctx.Meta.Name}:\"). The operator never changes rules it did not create: rename or delete that rule.";
            ctx.Conditions.Set(type, false, "RuleNotOwned", message);
            ctx.StalledBecause.Add("AlertsReady: RuleNotOwned");
            ctx.Events.Add(PolicyEvent.Warning("RuleNotOwned", message));
            return;
        }

        var problems = new List<string>();
        try
        {
            string? account = null;
            if (AlertRuleDesign.NeedsAccount(alerts))
            {
                account = Arn.AccountOfRole(ctx.Spec.RoleArn) ?? await ctx.Aws.Identity.GetAccountIdAsync(ct).ConfigureAwait(false);
            }

            var desired = AlertRuleDesign.Targets(alerts, ctx.Spec.Region, account);
            var pattern = AlertRuleDesign.Pattern(alerts);
            var description = ResourceNames.RuleDescription(ctx.Meta.Name);
            var ruleChanges = new List<(string Path, string? Current, string Desired)>();
            if (rule is null)
            {
                ctx.Plan("rule", ChangeAction.Create, $"rule[{ruleName}]", null, pattern);
                ctx.Drift.Add("rule");
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
                    ctx.Plan("rule", ChangeAction.Update, path, cur, want);
                    ctx.Drift.Add(path);
                }
            }

            var existing = rule is null ? [] : await ctx.Aws.Rules.ListTargetsAsync(ruleName, ct).ConfigureAwait(false);
            var desiredIds = desired.Select(d => d.Target.Id).ToHashSet(StringComparer.Ordinal);
            var toRemove = existing.Where(t => t.Id.StartsWith(ResourceNames.TargetIdPrefix, StringComparison.Ordinal) && !desiredIds.Contains(t.Id)).ToList();
            var foreign = existing.Where(t => !t.Id.StartsWith(ResourceNames.TargetIdPrefix, StringComparison.Ordinal)).ToList();
            var toPut = desired.Where(d => !existing.Any(e => AlertRuleDesign.SameTarget(d.Target, e))).ToList();

            // Only targets about to be written are checked: one already in place costs no read on a no-op pass.
            var ready = new List<DesiredTarget>();
            foreach (var target in toPut)
            {
                if (target.Kind is { } kind && !await ctx.Aws.AlertTargets.ExistsAsync(kind, target.Target.Arn, ct).ConfigureAwait(false))
                {
                    var message = $"{target.SpecPath}: {target.Target.Arn} does not exist; it is not added to the rule until it does.";
                    problems.Add(message);
                    ctx.Events.Add(PolicyEvent.Warning("TargetNotFound", message));
                    ctx.Waiting = true;
                }
                else
                {
                    ready.Add(target);
                }
            }

            if (foreign.Count + desired.Count > PolicyValidator.MaxTargets)
            {
                problems.Add($"Rule {ruleName} carries {foreign.Count} target(s) the operator did not create ({string.Join(", ", foreign.Select(f => f.Id))}); with the policy's {desired.Count} it exceeds the {PolicyValidator.MaxTargets} EventBridge allows. Remove those targets.");
                ready.Clear();
                ctx.StalledBecause.Add("AlertsReady: TooManyTargets");
            }

            foreach (var t in toRemove)
            {
                ctx.Plan("rule", ChangeAction.Delete, $"rule.targets[{t.Id}]", t.Arn, null);
                ctx.Drift.Add($"rule.targets[{t.Id}]");
            }

            foreach (var t in toPut)
            {
                var had = existing.FirstOrDefault(e => e.Id == t.Target.Id);
                ctx.Plan("rule", had is null ? ChangeAction.Create : ChangeAction.Update, $"rule.targets[{t.Target.Id}]", had?.Arn, t.Target.Arn + (t.Target.RoleArn is { } r ? $" (role {r})" : ""));
                ctx.Drift.Add($"rule.targets[{t.Target.Id}]");
            }

            ctx.RuleArn = rule?.Arn;
            if (ctx.Write)
            {
                if (rule is null || ruleChanges.Count > 0)
                {
                    ctx.RuleArn = await ctx.WriteAsync(() => ctx.Aws.Rules.PutAsync(new EventRuleDefinition(ruleName, pattern, "ENABLED", description), ct)).ConfigureAwait(false);
                    ctx.Events.Add(PolicyEvent.Normal(rule is null ? "RuleCreated" : "RuleUpdated", $"{(rule is null ? "Created" : "Updated")} EventBridge rule {ruleName} for {string.Join(", ", alerts.Events ?? SessionEventNames.All)}" + (rule is null ? "." : $": {RuleChanges(ctx)}.")));
                }

                if (toRemove.Count > 0)
                {
                    await ctx.WriteAsync(() => ctx.Aws.Rules.RemoveTargetsAsync(ruleName, toRemove.Select(t => t.Id).ToList(), ct)).ConfigureAwait(false);
                    ctx.Events.Add(PolicyEvent.Normal("TargetsRemoved", $"Removed target(s) {string.Join(", ", toRemove.Select(t => t.Arn))} from rule {ruleName}."));
                }

                if (ready.Count > 0)
                {
                    await ctx.WriteAsync(() => ctx.Aws.Rules.PutTargetsAsync(ruleName, ready.Select(t => t.Target).ToList(), ct)).ConfigureAwait(false);
                    ctx.Events.Add(PolicyEvent.Normal("TargetsAdded", $"Put target(s) {string.Join(", ", ready.Select(t => t.Target.Arn))} on rule {ruleName}."));
                }
            }

            var pending = ruleChanges.Count + toRemove.Count + toPut.Count + (rule is null ? 1 : 0);
            if (problems.Count > 0)
            {
                ctx.Conditions.Set(type, false, problems.Any(p => p.Contains("exceeds", StringComparison.Ordinal)) ? "TooManyTargets" : "TargetNotFound", string.Join(" ", problems));
            }
            else if (!ctx.Write && pending > 0)
            {
                var message = $"Rule {ruleName} differs from the policy in {pending} place(s): {RuleChanges(ctx)}. {ctx.NotApplied}";
                ctx.Conditions.Set(type, false, "DriftDetected", message);
                ctx.Events.Add(PolicyEvent.Warning("DriftDetected", message));
            }
            else
            {
                ctx.Conditions.Set(type, true, "RuleReady", $"Rule {ruleName} matches {string.Join(", ", alerts.Events ?? SessionEventNames.All)} with {desired.Count} target(s)."
                    + (ctx.Trail is { Logging: false } ? " It will not fire until a CloudTrail trail logs in the region (see AuditTrailReady)." : ""));
            }
        }
        catch (AwsFailure f)
        {
            ctx.Failed(type, f, $"Managing rule {ruleName} (events:PutRule, events:ListTargetsByRule, events:PutTargets, events:RemoveTargets)");
            ctx.RuleArn ??= ctx.Previous.RuleArn;
        }
    }

    /// <summary>Removes the operator's targets and, when no foreign targets remain, the rule. Returns true when the rule is (or would be) gone.</summary>
    private static async Task<bool> RemoveRuleAsync(ReconcileContext ctx, string ruleName, CancellationToken ct)
    {
        var rule = await ctx.Aws.Rules.DescribeAsync(ruleName, ct).ConfigureAwait(false);
        if (rule is null)
        {
            return true;
        }

        if (!ResourceNames.IsOwnedRule(rule.Description, ctx.Meta.Name))
        {
            ctx.Notes.Add($"Rule {ruleName} was not created by this policy; it is left alone.");
            return true;
        }

        var targets = await ctx.Aws.Rules.ListTargetsAsync(ruleName, ct).ConfigureAwait(false);
        var ours = targets.Where(t => t.Id.StartsWith(ResourceNames.TargetIdPrefix, StringComparison.Ordinal)).ToList();
        var foreign = targets.Count - ours.Count;
        foreach (var t in ours)
        {
            ctx.Plan("rule", ChangeAction.Delete, $"rule.targets[{t.Id}]", t.Arn, null);
        }

        if (foreign > 0)
        {
            ctx.Notes.Add($"Rule {ruleName} keeps {foreign} target(s) the operator did not create, so the rule itself is kept.");
        }
        else
        {
            ctx.Plan("rule", ChangeAction.Delete, $"rule[{ruleName}]", rule.Arn, null);
        }

        if (!ctx.Write)
        {
            return foreign == 0;
        }

        if (ours.Count > 0)
        {
            await ctx.WriteAsync(() => ctx.Aws.Rules.RemoveTargetsAsync(ruleName, ours.Select(t => t.Id).ToList(), ct)).ConfigureAwait(false);
        }

        if (foreign == 0)
        {
            await ctx.WriteAsync(() => ctx.Aws.Rules.DeleteAsync(ruleName, ct)).ConfigureAwait(false);
            ctx.Events.Add(PolicyEvent.Normal("RuleDeleted", $"Deleted EventBridge rule {ruleName} and its {ours.Count} target(s)."));
        }

        return foreign == 0;
    }

    /// <summary>The rule's planned changes with current and desired values, as the plan prints them (at most five).</summary>
    private static string RuleChanges(ReconcileContext ctx) =>
        Listed(ctx.Changes.Where(c => c.Concern == "rule").Select(c => c.ToString()).ToList(), "; ");
}
