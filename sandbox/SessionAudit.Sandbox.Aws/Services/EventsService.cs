using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.Events;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>EventBridge rules and targets on the default bus, with a real pattern matcher behind TestEventPattern and delivery.</summary>
internal static class EventsService
{
    public const int MaxTargetsPerRule = 5;

    public static void Register(HandlerTable t)
    {
        t.Add("events", "PutRule", PutRule);
        t.Add("events", "DescribeRule", DescribeRule);
        t.Add("events", "ListRules", ListRules);
        t.Add("events", "DeleteRule", DeleteRule);
        t.Add("events", "EnableRule", (c, i) => SetState(c, i, "ENABLED"));
        t.Add("events", "DisableRule", (c, i) => SetState(c, i, "DISABLED"));
        t.Add("events", "PutTargets", PutTargets);
        t.Add("events", "RemoveTargets", RemoveTargets);
        t.Add("events", "ListTargetsByRule", ListTargetsByRule);
        t.Add("events", "TestEventPattern", TestEventPattern);
    }

    private static void DefaultBus(JsonObject input)
    {
        string bus = input.Str("EventBusName") ?? "default";
        if (bus is not "default" && !bus.EndsWith(":event-bus/default", StringComparison.Ordinal))
        {
            throw new AwsException("ResourceNotFoundException", $"Event bus {bus} does not exist.");
        }
    }

    private static EventRule Find(CallContext ctx, JsonObject input, string member = "Name")
    {
        DefaultBus(input);
        string name = input.Req(member);
        return ctx.State.Rules.TryGetValue(name, out var r) ? r : throw new AwsException("ResourceNotFoundException", $"Rule {name} does not exist on EventBus default.");
    }

    private static string RuleArn(CallContext ctx, string name) => ctx.Arn("events", "rule/" + name);

    private static JsonObject? PutRule(CallContext ctx, JsonObject input)
    {
        DefaultBus(input);
        string name = input.Req("Name");
        string? pattern = input.Str("EventPattern");
        string? schedule = input.Str("ScheduleExpression");
        if (pattern is null && schedule is null) throw new AwsException("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.");
        if (pattern is not null) EventPattern.Parse(pattern);
        if (!ctx.State.Rules.TryGetValue(name, out var rule))
        {
            if (ctx.State.Rules.Count >= 300) throw new AwsException("LimitExceededException", "The requested resource exceeds the maximum number allowed.");
            ctx.State.Rules[name] = rule = new EventRule { Name = name };
        }

        rule.EventPattern = pattern;
        rule.ScheduleExpression = schedule;
        rule.State = input.Str("State") ?? "ENABLED";
        rule.Description = input.Str("Description");
        rule.RoleArn = input.Str("RoleArn");
        return new JsonObject { ["RuleArn"] = RuleArn(ctx, name) };
    }

    private static JsonObject? DescribeRule(CallContext ctx, JsonObject input)
    {
        var r = Find(ctx, input);
        var o = RuleJson(ctx, r);
        o["CreatedBy"] = ctx.Account;
        return o;
    }

    private static JsonObject RuleJson(CallContext ctx, EventRule r) => new()
    {
        ["Name"] = r.Name,
        ["Arn"] = RuleArn(ctx, r.Name),
        ["EventPattern"] = r.EventPattern,
        ["ScheduleExpression"] = r.ScheduleExpression,
        ["State"] = r.State,
        ["Description"] = r.Description,
        ["RoleArn"] = r.RoleArn,
        ["EventBusName"] = r.EventBusName,
    };

    private static JsonObject? ListRules(CallContext ctx, JsonObject input)
    {
        DefaultBus(input);
        string prefix = input.Str("NamePrefix") ?? "";
        var rules = ctx.State.Rules.Values.Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal));
        var (page, next) = Paging.Page(rules, input.Str("NextToken"), (int)(input.Long("Limit") ?? 100), "ValidationException");
        return new JsonObject { ["Rules"] = Json.Array(page, r => RuleJson(ctx, r)), ["NextToken"] = next };
    }

    private static JsonObject? DeleteRule(CallContext ctx, JsonObject input)
    {
        DefaultBus(input);
        string name = input.Req("Name");
        if (!ctx.State.Rules.TryGetValue(name, out var rule)) return null;
        if (rule.Targets.Count > 0) throw new AwsException("ValidationException", "Rule can't be deleted since it has targets.");
        ctx.State.Rules.Remove(name);
        return null;
    }

    private static JsonObject? SetState(CallContext ctx, JsonObject input, string state)
    {
        Find(ctx, input).State = state;
        return null;
    }

    /// <summary>Targets that act in the account on the rule's behalf need a role, as in AWS.</summary>
    private static bool NeedsRole(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length > 2 && (parts[2] is "codepipeline" or "kinesis" or "ecs" or "states" or "codebuild" or "batch"
            || (parts[2] == "ssm" && parts.Length > 5 && parts[5].StartsWith("document/", StringComparison.Ordinal)));
    }

    private static JsonObject? PutTargets(CallContext ctx, JsonObject input)
    {
        var rule = Find(ctx, input, "Rule");
        var targets = input.Objects("Targets").ToList();
        foreach (var t in targets)
        {
            string arn = t.Req("Arn");
            if (NeedsRole(arn) && t.Str("RoleArn") is null) throw new AwsException("ValidationException", $"Parameter(s) RoleArn must be specified for target: {t.Str("Id")}.");
            if (arn.Split(':').Length < 6) throw new AwsException("ValidationException", $"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format.");
            // botocore events RunCommandParameters.RunCommandTargets: "Currently, we support including only one RunCommandTarget block".
            if ((t["RunCommandParameters"] as JsonObject)?["RunCommandTargets"] is JsonArray { Count: > 1 })
            {
                throw new AwsException("ValidationException", $"Parameter RunCommandParameters is not valid for target {t.Str("Id")}. Reason: only one RunCommandTarget block is supported.");
            }

            // botocore events Target.Input: "Valid JSON text passed to the target".
            if (t.Str("Input") is { } text)
            {
                try { JsonNode.Parse(text); }
                catch (JsonException) { throw new AwsException("ValidationException", $"Parameter Input is not valid for target {t.Str("Id")}. Reason: Input is not valid JSON text."); }
            }
        }

        int after = rule.Targets.Select(x => x.Str("Id")).Union(targets.Select(x => x.Str("Id"))).Count();
        if (after > MaxTargetsPerRule) throw new AwsException("LimitExceededException", "The requested resource exceeds the maximum number allowed.");
        foreach (var t in targets)
        {
            rule.Targets.RemoveAll(x => x.Str("Id") == t.Str("Id"));
            rule.Targets.Add((JsonObject)t.DeepClone());
        }

        return new JsonObject { ["FailedEntryCount"] = 0, ["FailedEntries"] = new JsonArray() };
    }

    private static JsonObject? RemoveTargets(CallContext ctx, JsonObject input)
    {
        var rule = Find(ctx, input, "Rule");
        var failed = new JsonArray();
        foreach (var id in input.Strings("Ids"))
        {
            if (rule.Targets.RemoveAll(x => x.Str("Id") == id) == 0)
            {
                failed.Add(new JsonObject { ["TargetId"] = id, ["ErrorCode"] = "ResourceNotFoundException", ["ErrorMessage"] = $"Target {id} does not exist." });
            }
        }

        return new JsonObject { ["FailedEntryCount"] = failed.Count, ["FailedEntries"] = failed };
    }

    private static JsonObject? ListTargetsByRule(CallContext ctx, JsonObject input)
    {
        var rule = Find(ctx, input, "Rule");
        var (page, next) = Paging.Page(rule.Targets, input.Str("NextToken"), (int)(input.Long("Limit") ?? 100), "ValidationException");
        return new JsonObject { ["Targets"] = Json.Array(page, t => t.DeepClone()), ["NextToken"] = next };
    }

    private static readonly string[] RequiredEventFields = ["id", "account", "source", "time", "region", "resources", "detail-type"];

    private static JsonObject? TestEventPattern(CallContext ctx, JsonObject input)
    {
        var pattern = EventPattern.Parse(input.Req("EventPattern"));
        JsonNode? evt;
        try { evt = JsonNode.Parse(input.Req("Event")); }
        catch (JsonException) { throw new AwsException("ValidationException", "Parameter Event is not valid."); }
        if (evt is not JsonObject o || RequiredEventFields.Any(f => !o.ContainsKey(f)))
        {
            throw new AwsException("ValidationException", "Parameter Event is not valid.");
        }

        return new JsonObject { ["Result"] = pattern.Matches(o) };
    }
}
