using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Resilience;
using SessionAudit.Aws.Services.Events;
using SessionAudit.Policy.Ports;
using WireTarget = SessionAudit.Aws.Services.Events.Target;
using WireRunCommandTarget = SessionAudit.Aws.Services.Events.RunCommandTarget;

namespace SessionAudit.Aws.Adapters;

/// <summary>EventBridge rules and targets on the default bus.</summary>
internal sealed class EventRuleAdapter(AwsClients clients) : IEventRulePort
{
    public async Task<EventRuleInfo?> DescribeAsync(string ruleName, CancellationToken cancellationToken)
    {
        try
        {
            var r = await clients.RunAsync(AwsService.Events, "DescribeRule",
                ct => clients.Events.DescribeRuleAsync(new DescribeRuleRequest { Name = ruleName }, ct), cancellationToken).ConfigureAwait(false);
            return new EventRuleInfo(r.Name ?? ruleName, r.Arn ?? "", r.EventPattern, r.State ?? "ENABLED", r.Description);
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            return null;
        }
    }

    public async Task<string> PutAsync(EventRuleDefinition rule, CancellationToken cancellationToken)
    {
        var request = new PutRuleRequest { Name = rule.Name, EventPattern = rule.EventPattern, State = rule.State, Description = rule.Description };
        var response = await clients.RunAsync(AwsService.Events, "PutRule",
            ct => clients.Events.PutRuleAsync(request, ct), cancellationToken).ConfigureAwait(false);
        return response.RuleArn ?? "";
    }

    public async Task DeleteAsync(string ruleName, CancellationToken cancellationToken)
    {
        try
        {
            await clients.RunAsync(AwsService.Events, "DeleteRule",
                ct => clients.Events.DeleteRuleAsync(new DeleteRuleRequest { Name = ruleName }, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            // Already gone.
        }
    }

    public async Task<IReadOnlyList<EventTarget>> ListTargetsAsync(string ruleName, CancellationToken cancellationToken)
    {
        var targets = new List<EventTarget>();
        string? token = null;
        do
        {
            var request = new ListTargetsByRuleRequest { Rule = ruleName, NextToken = token, Limit = 100 };
            var page = await clients.RunAsync(AwsService.Events, "ListTargetsByRule",
                ct => clients.Events.ListTargetsByRuleAsync(request, ct), cancellationToken).ConfigureAwait(false);
            targets.AddRange((page.Targets ?? []).Select(ToPort));
            token = string.IsNullOrEmpty(page.NextToken) || page.NextToken == token ? null : page.NextToken;
        }
        while (token is not null);
        return targets;
    }

    public async Task PutTargetsAsync(string ruleName, IReadOnlyList<EventTarget> targets, CancellationToken cancellationToken)
    {
        var request = new PutTargetsRequest { Rule = ruleName, Targets = [.. targets.Select(ToWire)] };
        var response = await clients.RunAsync(AwsService.Events, "PutTargets",
            ct => clients.Events.PutTargetsAsync(request, ct), cancellationToken).ConfigureAwait(false);
        ThrowOnFailedEntries("PutTargets", ruleName, response);
    }

    public async Task RemoveTargetsAsync(string ruleName, IReadOnlyList<string> targetIds, CancellationToken cancellationToken)
    {
        if (targetIds.Count == 0)
        {
            return;
        }
        var request = new RemoveTargetsRequest { Rule = ruleName, Ids = [.. targetIds] };
        var response = await clients.RunAsync(AwsService.Events, "RemoveTargets",
            ct => clients.Events.RemoveTargetsAsync(request, ct), cancellationToken).ConfigureAwait(false);
        ThrowOnFailedEntries("RemoveTargets", ruleName, response);
    }

    // PutTargets/RemoveTargets answer 200 with per-entry failures; the domain must not mistake that for success.
    private static void ThrowOnFailedEntries(string operation, string ruleName, TargetsResponse response)
    {
        var failed = response.FailedEntries ?? [];
        if (response.FailedEntryCount is > 0 || failed.Count > 0)
        {
            var first = failed.FirstOrDefault();
            var kind = AwsErrorClassifier.Classify(first?.ErrorCode, 400);
            var detail = string.Join("; ", failed.Select(e => $"{e.TargetId}: {e.ErrorCode} {e.ErrorMessage}"));
            throw new AwsFailure(kind, first?.ErrorCode, $"events {operation} on rule {ruleName}: {detail}");
        }
    }

    private static WireTarget ToWire(EventTarget t) => new()
    {
        Id = t.Id,
        Arn = t.Arn,
        RoleArn = t.RoleArn,
        Input = t.Input,
        RunCommandParameters = t.RunCommandTargets is { Count: > 0 } rc
            ? new RunCommandParameters { RunCommandTargets = [.. rc.Select(x => new WireRunCommandTarget { Key = x.Key, Values = [.. x.Values] })] }
            : null,
    };

    private static EventTarget ToPort(WireTarget t) => new(
        t.Id,
        t.Arn,
        t.RoleArn,
        t.RunCommandParameters?.RunCommandTargets.Select(x => new Policy.Ports.RunCommandTarget(x.Key, x.Values)).ToArray(),
        t.Input);
}
