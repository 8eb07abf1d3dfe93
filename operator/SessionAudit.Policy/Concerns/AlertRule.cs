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
/// <param name="Permissions">The operator's statements on the owned SNS and Lambda targets, to remove.</param>
internal sealed record RuleRemoval(string RuleName, EventRuleInfo? Rule, bool NotOwned, IReadOnlyList<EventTarget> Owned, int Foreign, IReadOnlyList<PermissionWrite> Permissions)
{
    /// <summary>True when the rule goes (or is already gone, or never was the policy's).</summary>
    public bool RuleGoes => Foreign == 0;

    /// <summary>True when removing it writes anything.</summary>
    public bool HasWrites => Rule is not null || Permissions.Count > 0;
}

/// <summary>What one SNS or Lambda target's resource policy says, as read this pass.</summary>
/// <param name="Arn">Target ARN.</param>
/// <param name="Kind">SNS topic or Lambda function.</param>
/// <param name="SpecPath">Where in the spec it comes from (or the rule target it was, for one leaving).</param>
/// <param name="Exists">False when AWS says the topic or function does not exist.</param>
/// <param name="Policy">The topic or function policy JSON; null when none.</param>
/// <param name="KmsMasterKeyId">The topic's key; null when unencrypted (and for functions).</param>
/// <param name="Fifo">A FIFO topic.</param>
internal sealed record TargetAccess(string Arn, AlertTargetKind Kind, string SpecPath, bool Exists, string? Policy, string? KmsMasterKeyId, bool Fifo);

/// <summary>One write to a target's resource policy: the operator's statement added (or replaced) or removed.</summary>
/// <param name="Kind">SNS topic or Lambda function.</param>
/// <param name="Arn">Target ARN.</param>
/// <param name="SpecPath">Where in the spec it comes from.</param>
/// <param name="Add">True to add the statement, false to remove it.</param>
/// <param name="TopicPolicy">SNS: the whole policy to write (read-modify-write of what was read).</param>
/// <param name="ReplacesStatement">Lambda add: a statement of the operator's Sid exists that does not allow the rule, removed first.</param>
/// <param name="Grant">What is granted, as the user would add it (the statement, or the AWS CLI command).</param>
internal sealed record PermissionWrite(AlertTargetKind Kind, string Arn, string SpecPath, bool Add, string? TopicPolicy, bool ReplacesStatement, string Grant);

/// <summary>What the alert rule concern read.</summary>
/// <param name="Rule">DescribeRule; null when absent.</param>
/// <param name="DescribeFailure">DescribeRule failed.</param>
/// <param name="Desired">The targets the spec asks for (needs the account for Run Command and CodePipeline ARNs).</param>
/// <param name="Targets">ListTargetsByRule; empty for an absent rule.</param>
/// <param name="Missing">Desired targets about to be written whose resource does not exist.</param>
/// <param name="Failure">A later read failed.</param>
/// <param name="Removal">Alerts were removed from the spec: what removing the rule takes down (null when there is nothing to look at).</param>
/// <param name="RuleArn">The rule's ARN (known before it exists); null when not needed.</param>
/// <param name="Access">Each desired SNS and Lambda target's resource policy, read every pass.</param>
/// <param name="Leaving">The resource policies of the operator's SNS and Lambda targets about to leave the rule.</param>
internal sealed record RuleObservation(
    EventRuleInfo? Rule,
    AwsFailure? DescribeFailure,
    IReadOnlyList<DesiredTarget> Desired,
    IReadOnlyList<EventTarget> Targets,
    IReadOnlySet<string> Missing,
    AwsFailure? Failure,
    RuleRemoval? Removal,
    string? RuleArn = null,
    IReadOnlyList<TargetAccess>? Access = null,
    IReadOnlyList<TargetAccess>? Leaving = null);

/// <summary>The alert rule concern's plan.</summary>
/// <param name="Report">Plan and drift, with the verdict that holds when nothing is applied.</param>
/// <param name="RuleArn">status.ruleArn when nothing is applied.</param>
/// <param name="Put">PutRule to make (create, or pattern/state/description changed); null for none.</param>
/// <param name="Remove">Operator targets to remove.</param>
/// <param name="Ready">Targets to put (existing, within the limit).</param>
/// <param name="Removal">The rule's removal (alerts no longer in the spec).</param>
/// <param name="ProblemEvents">Warnings that hold whether or not anything is applied.</param>
/// <param name="ReadyMessage">The verdict once applied, when no problem stands.</param>
/// <param name="Permissions">Statements to add to target policies (before the targets are put) and to remove (after).</param>
internal sealed record RuleDelta(
    ConcernReport Report,
    string? RuleArn,
    EventRuleDefinition? Put,
    bool Creates,
    IReadOnlyList<EventTarget> Remove,
    IReadOnlyList<DesiredTarget> Ready,
    RuleRemoval? Removal,
    IReadOnlyList<PolicyEvent> ProblemEvents,
    string? ReadyMessage,
    IReadOnlyList<PermissionWrite>? Permissions = null)
{
    /// <summary>True when Apply has something to write.</summary>
    public bool HasChanges => Put is not null || Remove.Count > 0 || Ready.Count > 0 || Removal is { HasWrites: true } || Permissions is { Count: > 0 };
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
                var removal = await PlanRemovalAsync(aws, policy, ct).ConfigureAwait(false);
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
            var delivered = (alerts.SnsTopicArns?.Count ?? 0) + (alerts.LambdaFunctionArns?.Count ?? 0) > 0;
            if (AlertRuleDesign.NeedsAccount(alerts) || (delivered && rule.Value?.Arn is not { Length: > 0 }))
            {
                account = policy.Account.RoleAccount ?? await aws.Identity.GetAccountIdAsync(ct).ConfigureAwait(false);
            }

            var desired = AlertRuleDesign.Targets(alerts, policy.Spec.Region, account);
            var targets = rule.Value is null ? [] : await aws.Rules.ListTargetsAsync(ruleName, ct).ConfigureAwait(false);
            var missing = new HashSet<string>(StringComparer.Ordinal);
            // SNS and Lambda targets: their resource policies decide delivery, so they are read every pass (which also
            // notices a target deleted since). Other targets are checked for existence only before they are put.
            var access = new List<TargetAccess>();
            foreach (var target in desired.Where(d => d.Kind is AlertTargetKind.SnsTopic or AlertTargetKind.LambdaFunction))
            {
                var read = await ReadAccessAsync(aws.AlertTargets, target.Kind!.Value, target.Target.Arn, target.SpecPath, ct).ConfigureAwait(false);
                access.Add(read);
                if (!read.Exists)
                {
                    missing.Add(read.Arn);
                }
            }

            foreach (var target in ToPut(desired, targets).Where(d => d.Kind is AlertTargetKind.CodePipeline))
            {
                if (!await aws.AlertTargets.ExistsAsync(target.Kind!.Value, target.Target.Arn, ct).ConfigureAwait(false))
                {
                    missing.Add(target.Target.Arn);
                }
            }

            var desiredArns = desired.Select(d => d.Target.Arn).ToHashSet(StringComparer.Ordinal);
            var leaving = new List<TargetAccess>();
            foreach (var t in targets.Where(t => t.Id.StartsWith(ResourceNames.TargetIdPrefix, StringComparison.Ordinal) && !desiredArns.Contains(t.Arn)))
            {
                if (DeliveredKind(t.Arn) is { } kind)
                {
                    leaving.Add(await ReadAccessAsync(aws.AlertTargets, kind, t.Arn, $"rule.targets[{t.Id}]", ct).ConfigureAwait(false));
                }
            }

            var ruleArn = rule.Value?.Arn is { Length: > 0 } known ? known
                : account is null ? null : TargetPermissions.RuleArn(policy.Spec.Region, account, ruleName);
            return new RuleObservation(rule.Value, null, desired, targets, missing, null, null, ruleArn, access, leaving);
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
                report.Failed(rf, $"Removing rule {ruleName} (events:RemoveTargets, events:DeleteRule)", policy.RoleArn);
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
            report.Failed(df, $"Reading rule {ruleName} (events:DescribeRule)", policy.RoleArn);
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
            report.Failed(f, Managing(ruleName), policy.RoleArn);
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

        // A target already on the rule that was deleted since: EventBridge's deliveries to it fail.
        foreach (var gone in (observed.Access ?? []).Where(a => !a.Exists && !toPut.Any(t => t.Target.Arn == a.Arn)))
        {
            var message = $"{gone.SpecPath}: {gone.Arn} no longer exists; EventBridge's deliveries to it fail until it is re-created or removed from the policy.";
            problems.Add(message);
            problemEvents.Add(PolicyEvent.Warning("TargetNotFound", message));
            report.Waiting = true;
        }

        var (permissions, blocked, blockedReason) = PlanPermissions(alerts, ruleName, observed, report);
        problems.AddRange(blocked);
        problemEvents.AddRange(blocked.Select(b => PolicyEvent.Warning(blockedReason!, b)));

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
            report.Plan("rule", had is null ? ChangeAction.Create : ChangeAction.Update, $"rule.targets[{t.Target.Id}]", had?.Arn,
                t.Target.Arn + (t.Target.RoleArn is { } role ? $" (role {role})" : "") + (t.Target.Input is { } input ? $" (input {input})" : ""));
            report.Drift.Add($"rule.targets[{t.Target.Id}]");
        }

        report.Events.AddRange(problemEvents);
        var pending = ruleChanges.Count + toRemove.Count + toPut.Count + (rule is null ? 1 : 0) + permissions.Count;
        string? readyMessage = null;
        if (problems.Count > 0)
        {
            report.Set(false, tooMany ? "TooManyTargets" : blocked.Count > 0 && blocked.Count == problems.Count ? blockedReason! : "TargetNotFound", string.Join(" ", problems));
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
        return new RuleDelta(report, rule?.Arn, put, rule is null, toRemove, ready, null, problemEvents, readyMessage, permissions);
    }

    /// <summary>Judges each SNS and Lambda target's resource policy: the statements to add (managePermissions) or
    /// to remove (targets leaving the rule), and what stops delivery whatever the operator does, or that it may not
    /// fix (managePermissions false). Adds the plan entries and drift; pure.</summary>
    private static (List<PermissionWrite> Writes, List<string> Blocked, string? Reason) PlanPermissions(
        AlertsSpec alerts, string ruleName, RuleObservation observed, ConcernReport report)
    {
        var writes = new List<PermissionWrite>();
        var blocked = new List<string>();
        string? reason = null;
        var manage = alerts.ManagePermissions != false;
        var sid = TargetPermissions.StatementId(ruleName);
        var ruleArn = observed.RuleArn;
        var account = ruleArn?.Split(':')[4] ?? "";
        foreach (var a in (observed.Access ?? []).Where(a => a.Exists))
        {
            void Block(string why, string message)
            {
                reason ??= why;
                blocked.Add(message);
                report.Stalled.Add($"AlertsReady: {why} ({a.Arn})");
            }

            if (a.Kind == AlertTargetKind.SnsTopic && a.Fifo)
            {
                Block("TargetCannotReceive", $"{a.SpecPath}: {a.Arn} is a FIFO topic; EventBridge does not deliver these events to FIFO topics. Use a standard topic.");
                continue;
            }

            if (a.Kind == AlertTargetKind.SnsTopic && TargetPermissions.IsAwsManagedSnsKey(a.KmsMasterKeyId))
            {
                Block("TargetCannotReceive", $"{a.SpecPath}: {a.Arn} is encrypted with the AWS managed key alias/aws/sns, whose key policy cannot let {TargetPermissions.EventsPrincipal} use it, so EventBridge can never publish to it. Encrypt the topic with a customer managed key whose key policy allows {TargetPermissions.EventsPrincipal} kms:GenerateDataKey and kms:Decrypt.");
                continue;
            }

            // A customer managed key: EventBridge publishes only if its key policy lets events.amazonaws.com use it,
            // which the operator does not read; the statement is still planned, but delivery is not promised.
            if (a.Kind == AlertTargetKind.SnsTopic && a.KmsMasterKeyId is { } customerKey)
            {
                Block("KeyPolicyNotVerified", $"{a.SpecPath}: {a.Arn} is encrypted with the customer managed key {customerKey}; EventBridge can publish to it only if that key policy allows {TargetPermissions.EventsPrincipal} kms:GenerateDataKey and kms:Decrypt, which the operator does not read, so it cannot confirm alerts reach the topic. Check that key policy, or use an unencrypted topic.");
            }

            if (ruleArn is null)
            {
                continue;
            }

            var sns = a.Kind == AlertTargetKind.SnsTopic;
            var action = sns ? TargetPermissions.SnsPublish : TargetPermissions.LambdaInvoke;
            if (TargetPermissions.Allows(a.Policy, action, Resources(a.Arn), ruleArn, account))
            {
                continue;
            }

            var statement = TargetPermissions.TopicStatement(ruleName, a.Arn, ruleArn);
            var grant = sns ? statement : TargetPermissions.LambdaCommand(ruleName, a.Arn, ruleArn);
            if (!manage)
            {
                Block("DeliveryNotAllowed", sns
                    ? $"{a.SpecPath}: the topic policy of {a.Arn} does not let {TargetPermissions.EventsPrincipal} publish (sns:Publish) for rule {ruleArn}, so EventBridge's deliveries fail silently. managePermissions is false: add this statement to the topic policy: {statement}"
                    : $"{a.SpecPath}: the function policy of {a.Arn} does not let {TargetPermissions.EventsPrincipal} invoke it (lambda:InvokeFunction) for rule {ruleArn}, so EventBridge's deliveries fail silently. managePermissions is false: run {grant}");
                continue;
            }

            // The policy the write leads to must allow: a Deny of someone else's would make every pass rewrite it in vain.
            var after = TargetPermissions.WithStatement(a.Policy, sid, sns ? statement : TargetPermissions.FunctionStatement(ruleName, a.Arn, ruleArn));
            if (!TargetPermissions.Allows(after, action, Resources(a.Arn), ruleArn, account))
            {
                Block("DeliveryNotAllowed", $"{a.SpecPath}: a statement in the policy of {a.Arn} denies {TargetPermissions.EventsPrincipal} {action} for rule {ruleArn}; the operator does not remove others' statements. Remove that Deny.");
                continue;
            }

            var path = $"{a.SpecPath}.policy.statement[{sid}]";
            report.Plan("permission", ChangeAction.Create, path, null, grant);
            report.Drift.Add(path);
            writes.Add(new PermissionWrite(a.Kind, a.Arn, a.SpecPath, true, sns ? after : null, !sns && TargetPermissions.HasStatement(a.Policy, sid), grant));
        }

        foreach (var a in (observed.Leaving ?? []).Where(a => a.Exists && TargetPermissions.HasStatement(a.Policy, sid)))
        {
            writes.Add(Revoke(a, sid, report));
        }

        return (writes, blocked, reason);
    }

    /// <summary>Plans removing the operator's statement from a target's policy.</summary>
    private static PermissionWrite Revoke(TargetAccess a, string sid, ConcernReport report)
    {
        var path = $"{a.SpecPath}.policy.statement[{sid}]";
        report.Plan("permission", ChangeAction.Delete, path, a.Arn, null);
        report.Drift.Add(path);
        return new PermissionWrite(a.Kind, a.Arn, a.SpecPath, false,
            a.Kind == AlertTargetKind.SnsTopic ? TargetPermissions.WithoutStatement(a.Policy, sid) : null, false, sid);
    }

    /// <summary>What a statement's Resource may name for a target: its ARN, and for a function version or alias also the function.</summary>
    private static string[] Resources(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length > 7 && parts[2] == "lambda" ? [arn, string.Join(':', parts[..7])] : [arn];
    }

    /// <summary>SNS or Lambda for a target ARN whose resource policy decides delivery; null for other targets.</summary>
    private static AlertTargetKind? DeliveredKind(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length > 2 ? parts[2] switch { "sns" => AlertTargetKind.SnsTopic, "lambda" => AlertTargetKind.LambdaFunction, _ => null } : null;
    }

    /// <summary>Reads one SNS or Lambda target's resource policy (reads only).</summary>
    private static async Task<TargetAccess> ReadAccessAsync(IAlertTargetPort port, AlertTargetKind kind, string arn, string specPath, CancellationToken ct)
    {
        if (kind == AlertTargetKind.SnsTopic)
        {
            var topic = await port.GetTopicAsync(arn, ct).ConfigureAwait(false);
            return new TargetAccess(arn, kind, specPath, topic is not null, topic?.Policy, topic?.KmsMasterKeyId, topic?.Fifo == true);
        }

        var function = await port.GetFunctionPolicyAsync(arn, ct).ConfigureAwait(false);
        return new TargetAccess(arn, kind, specPath, function is not null, function?.Policy, null, false);
    }

    /// <summary>Makes the permission writes (Enforce only); a write AWS refuses (denied, invalid) is returned as a
    /// message naming what to grant by hand, other failures propagate.</summary>
    private static async Task<List<string>> WritePermissionsAsync(IAlertTargetPort port, string ruleName, string? ruleArn, IEnumerable<PermissionWrite> writes, ConcernReport report, CancellationToken ct)
    {
        var refused = new List<string>();
        var sid = TargetPermissions.StatementId(ruleName);
        foreach (var w in writes)
        {
            try
            {
                switch (w)
                {
                    case { Kind: AlertTargetKind.SnsTopic, TopicPolicy: { } topicPolicy }:
                        await report.WriteAsync(() => port.SetTopicPolicyAsync(w.Arn, topicPolicy, ct)).ConfigureAwait(false);
                        break;
                    case { Kind: AlertTargetKind.LambdaFunction, Add: true }:
                        if (w.ReplacesStatement)
                        {
                            await report.WriteAsync(() => port.RemoveFunctionPermissionAsync(w.Arn, sid, ct)).ConfigureAwait(false);
                        }

                        await report.WriteAsync(() => port.AddFunctionPermissionAsync(w.Arn, sid, ruleArn!, ct)).ConfigureAwait(false);
                        break;
                    case { Kind: AlertTargetKind.LambdaFunction, Add: false }:
                        await report.WriteAsync(() => port.RemoveFunctionPermissionAsync(w.Arn, sid, ct)).ConfigureAwait(false);
                        break;
                    default:
                        continue;
                }

                report.Normal(w.Add ? "PermissionAdded" : "PermissionRemoved", w.Add
                    ? $"Let {TargetPermissions.EventsPrincipal} deliver rule {ruleName}'s events to {w.Arn} (statement {sid})."
                    : $"Removed statement {sid} ({TargetPermissions.EventsPrincipal}) from the policy of {w.Arn}.");
            }
            catch (AwsFailure f) when (w.Add && f.Kind is AwsFailureKind.AccessDenied or AwsFailureKind.Invalid)
            {
                var what = w.Kind == AlertTargetKind.SnsTopic ? "sns:SetTopicAttributes" : "lambda:AddPermission";
                refused.Add($"{w.SpecPath}: the operator may not add {TargetPermissions.EventsPrincipal}'s permission to {w.Arn} ({what}: {f.Code ?? f.Kind.ToString()}), so EventBridge's deliveries fail silently. "
                            + (w.Kind == AlertTargetKind.SnsTopic ? $"Add this statement to the topic policy: {w.Grant}" : $"Run {w.Grant}"));
            }
        }

        return refused;
    }

    /// <summary>Writes the rule and its targets, or removes the rule (Enforce only); returns the report and status.ruleArn.</summary>
    public static async Task<(ConcernReport Report, string? RuleArn)> ApplyAsync(IAwsEnvironment aws, PolicyFacts policy, RuleDelta delta, CancellationToken ct)
    {
        var rules = aws.Rules;
        var report = delta.Report.CarryPlan();
        var ruleName = ResourceNames.Rule(policy.Name);
        report.Events.AddRange(delta.ProblemEvents);
        var ruleArn = delta.RuleArn;
        var refused = new List<string>();
        try
        {
            if (delta.Removal is { } removal)
            {
                await RemoveAsync(aws, removal, report, ct).ConfigureAwait(false);
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

            // EventBridge's permission first, so the first event after the target is put is delivered.
            var permissions = delta.Permissions ?? [];
            refused.AddRange(await WritePermissionsAsync(aws.AlertTargets, ruleName, ruleArn, permissions.Where(p => p.Add), report, ct).ConfigureAwait(false));

            if (delta.Ready.Count > 0)
            {
                await report.WriteAsync(() => rules.PutTargetsAsync(ruleName, delta.Ready.Select(t => t.Target).ToList(), ct)).ConfigureAwait(false);
                report.Normal("TargetsAdded", $"Put target(s) {string.Join(", ", delta.Ready.Select(t => t.Target.Arn))} on rule {ruleName}.");
            }

            await WritePermissionsAsync(aws.AlertTargets, ruleName, ruleArn, permissions.Where(p => !p.Add), report, ct).ConfigureAwait(false);

            if (refused.Count > 0)
            {
                var message = string.Join(" ", refused);
                report.Set(false, "DeliveryNotAllowed", message);
                report.Stalled.Add("AlertsReady: DeliveryNotAllowed");
                report.Warn("DeliveryNotAllowed", message);
            }
            else if (delta.ReadyMessage is { } ready)
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
            report.Failed(f, delta.Removal is null ? Managing(ruleName) : $"Removing rule {ruleName} (events:RemoveTargets, events:DeleteRule)", policy.RoleArn);
            ruleArn ??= policy.Previous.RuleArn;
        }

        return (report, ruleArn);
    }

    /// <summary>What removing the policy's rule takes down: the rule by its deterministic name, only when its
    /// description carries this policy's ownership marker, and only the operator's targets. Reads only.</summary>
    public static async Task<RuleRemoval> PlanRemovalAsync(IAwsEnvironment aws, PolicyFacts policy, CancellationToken ct)
    {
        var rules = aws.Rules;
        var ruleName = ResourceNames.Rule(policy.Name);
        var rule = await rules.DescribeAsync(ruleName, ct).ConfigureAwait(false);
        if (rule is null)
        {
            return new RuleRemoval(ruleName, null, false, [], 0, []);
        }

        if (!ResourceNames.IsOwnedRule(rule.Description, policy.Name))
        {
            return new RuleRemoval(ruleName, null, true, [], 0, []);
        }

        var targets = await rules.ListTargetsAsync(ruleName, ct).ConfigureAwait(false);
        var ours = targets.Where(t => t.Id.StartsWith(ResourceNames.TargetIdPrefix, StringComparison.Ordinal)).ToList();
        // The operator's statements on the SNS and Lambda targets it put: found by the Sid, read before anything is written.
        var sid = TargetPermissions.StatementId(ruleName);
        var permissions = new List<PermissionWrite>();
        var planning = new ConcernReport(Type);
        foreach (var t in ours)
        {
            if (DeliveredKind(t.Arn) is { } kind)
            {
                var access = await ReadAccessAsync(aws.AlertTargets, kind, t.Arn, $"rule.targets[{t.Id}]", ct).ConfigureAwait(false);
                if (access.Exists && TargetPermissions.HasStatement(access.Policy, sid))
                {
                    permissions.Add(Revoke(access, sid, planning));
                }
            }
        }

        return new RuleRemoval(ruleName, rule, false, ours, targets.Count - ours.Count, permissions);
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

        foreach (var p in removal.Permissions)
        {
            report.Plan("permission", ChangeAction.Delete, $"{p.SpecPath}.policy.statement[{p.Grant}]", p.Arn, null);
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
    public static async Task RemoveAsync(IAwsEnvironment aws, RuleRemoval removal, ConcernReport report, CancellationToken ct)
    {
        var rules = aws.Rules;
        if (removal.Rule is null)
        {
            return;
        }

        if (removal.Owned.Count > 0)
        {
            await report.WriteAsync(() => rules.RemoveTargetsAsync(removal.RuleName, removal.Owned.Select(t => t.Id).ToList(), ct)).ConfigureAwait(false);
        }

        await WritePermissionsAsync(aws.AlertTargets, removal.RuleName, removal.Rule.Arn, removal.Permissions, report, ct).ConfigureAwait(false);

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
        PreferencesDocument.Listed(report.Changes.Where(c => c.Concern is "rule" or "permission").Select(c => c.ToString()).ToList(), "; ");
}
