using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.Services;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Events;

/// <summary>Turns API calls into "AWS API Call via CloudTrail" events (when a trail logs) and delivers them through matching rules.</summary>
internal static class EventFlow
{
    private static readonly ConcurrentDictionary<string, EventPattern?> Patterns = new(StringComparer.Ordinal);

    /// <summary>Parsed patterns are cached by text; rules store the text as AWS returns it.</summary>
    public static EventPattern? Pattern(string? text) => text is null ? null : Patterns.GetOrAdd(text, t =>
    {
        try { return EventPattern.Parse(t); }
        catch (AwsException) { return null; }
    });

    public static void ApiCall(CallContext ctx, string service, string eventName, JsonObject request, JsonObject response)
    {
        // "To record events with a detail-type value of AWS API Call via CloudTrail, a CloudTrail trail with logging
        // enabled is required" (EventBridge User Guide, eb-service-event): a logging trail whose selectors record the call.
        if (!CloudTrailService.Records(ctx.World, ctx.Account, ctx.Region, service + ".amazonaws.com", eventName, readOnly: false)) return;
        var detail = new JsonObject
        {
            ["eventVersion"] = "1.08",
            ["userIdentity"] = UserIdentity(ctx),
            ["eventTime"] = Time(ctx.Now),
            ["eventSource"] = service + ".amazonaws.com",
            ["eventName"] = eventName,
            ["awsRegion"] = ctx.Region,
            ["sourceIPAddress"] = "127.0.0.1",
            ["userAgent"] = ctx.UserAgent ?? "",
            ["requestParameters"] = Camel(request),
            ["responseElements"] = HideSecrets(Camel(response)),
            ["requestID"] = ctx.RequestId,
            ["eventID"] = ctx.Core.Uuid(),
            ["readOnly"] = false,
            ["eventType"] = "AwsApiCall",
            ["managementEvent"] = true,
            ["recipientAccountId"] = ctx.Account,
            ["eventCategory"] = "Management",
        };
        var evt = new JsonObject
        {
            ["version"] = "0",
            ["id"] = ctx.Core.Uuid(),
            ["detail-type"] = "AWS API Call via CloudTrail",
            ["source"] = "aws." + service,
            ["account"] = ctx.Account,
            ["time"] = Time(ctx.Now),
            ["region"] = ctx.Region,
            ["resources"] = new JsonArray(),
            ["detail"] = detail,
        };
        Route(ctx, evt);
    }

    /// <summary>Delivers an event to every enabled rule on the default bus whose pattern matches.</summary>
    public static void Route(CallContext ctx, JsonObject evt)
    {
        string text = evt.ToJsonString();
        foreach (var rule in ctx.State.Rules.Values)
        {
            if (rule.State != "ENABLED" || rule.EventBusName != "default" || Pattern(rule.EventPattern) is not { } p || !p.Matches(evt)) continue;
            foreach (var target in rule.Targets)
            {
                Deliver(ctx, rule, target, evt, text);
            }
        }
    }

    private static void Deliver(CallContext ctx, EventRule rule, JsonObject target, JsonObject evt, string text)
    {
        string arn = target.Str("Arn") ?? "";
        string id = target.Str("Id") ?? "";
        string payload = Payload(target, evt, text);
        var parts = arn.Split(':');
        string service = parts.Length > 2 ? parts[2] : "";
        string region = parts.Length > 3 && parts[3].Length > 0 ? parts[3] : ctx.Region;
        string account = parts.Length > 4 && parts[4].Length > 0 ? parts[4] : ctx.Account;
        string resource = parts.Length > 5 ? string.Join(':', parts[5..]) : "";
        var state = ctx.World.Region(account, region);
        AwsDeliveryKind kind;
        string? error = null;
        switch (service)
        {
            case "sns":
                kind = AwsDeliveryKind.Sns;
                if (!state.Topics.TryGetValue(resource, out var topic)) error = $"Topic {arn} does not exist";
                else error = SnsRefusal(state, topic, RuleContext(ctx, rule));
                if (error is null) topic!.MessageCount++;
                break;
            case "lambda":
                kind = AwsDeliveryKind.Lambda;
                string fn = resource.StartsWith("function:", StringComparison.Ordinal) ? resource["function:".Length..].Split(':')[0] : resource;
                if (!state.Functions.TryGetValue(fn, out var f)) error = $"Function {arn} does not exist";
                else if (!ResourcePolicy.Allows(f.Policy, EventsPrincipal, "lambda:InvokeFunction", f.Arn, RuleContext(ctx, rule))) error = $"The function policy of {f.Arn} does not allow {EventsPrincipal} to call lambda:InvokeFunction for rule {rule.Name} (FailedInvocations)";

                if (error is null) f!.Invocations++;
                break;
            case "codepipeline":
                kind = AwsDeliveryKind.CodePipeline;
                if (state.Pipelines.TryGetValue(resource, out var pl)) pl.Executions++;
                else error = $"Pipeline {arn} does not exist";
                break;
            case "ssm" when resource.StartsWith("document/", StringComparison.Ordinal):
                kind = AwsDeliveryKind.RunCommand;
                var ids = new List<string>();
                foreach (var t in (target["RunCommandParameters"] as JsonObject)?.Objects("RunCommandTargets") ?? [])
                {
                    if (t.Str("Key") == "InstanceIds") ids.AddRange(t.Strings("Values"));
                }

                SsmService.RecordCommand(ctx.World.Region(ctx.Account, ctx.Region), ctx.Core.Uuid(), resource["document/".Length..], ids, [], "EventBridge rule " + rule.Name, ctx.Now);
                break;
            default:
                kind = AwsDeliveryKind.Other;
                break;
        }

        ctx.Core.Deliver(new AwsDelivery(ctx.Now, ctx.Account, ctx.Region, kind, arn, rule.Name, id, payload, error is null, error));
    }

    /// <summary>The service principal EventBridge delivers as to targets allowed by resource policies.</summary>
    public const string EventsPrincipal = "events.amazonaws.com";

    /// <summary>The request context of a delivery: the rule's ARN and account (aws:SourceArn, aws:SourceAccount).</summary>
    private static Dictionary<string, string> RuleContext(CallContext ctx, EventRule rule) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["aws:SourceArn"] = ctx.Arn("events", "rule/" + rule.Name),
        ["aws:SourceAccount"] = ctx.Account,
    };

    /// <summary>Why EventBridge cannot publish to a topic, or null when it can: a FIFO topic, a topic encrypted with the
    /// AWS managed key aws/sns (its key policy cannot be changed to let events.amazonaws.com use it), or a topic policy
    /// that does not allow events.amazonaws.com sns:Publish for this rule.</summary>
    private static string? SnsRefusal(RegionState state, SnsTopic topic, IReadOnlyDictionary<string, string> context)
    {
        if (topic.Arn.EndsWith(".fifo", StringComparison.Ordinal) || topic.Attributes.GetValueOrDefault("FifoTopic") == "true")
        {
            return $"Topic {topic.Arn} is a FIFO topic, which is not a valid target for this rule (FailedInvocations)";
        }

        if (topic.Attributes.GetValueOrDefault("KmsMasterKeyId") is { Length: > 0 } key && IsAwsSnsKey(state, key))
        {
            return $"Topic {topic.Arn} is encrypted with the AWS managed key aws/sns, which {EventsPrincipal} may not use (FailedInvocations)";
        }

        if (!ResourcePolicy.Allows(topic.Attributes.GetValueOrDefault("Policy"), EventsPrincipal, "sns:Publish", topic.Arn, context))
        {
            return $"The topic policy of {topic.Arn} does not allow {EventsPrincipal} to call sns:Publish for this rule (FailedInvocations)";
        }

        return null;
    }

    private static bool IsAwsSnsKey(RegionState state, string key)
    {
        if (key == "alias/aws/sns" || key.EndsWith(":alias/aws/sns", StringComparison.Ordinal)) return true;
        string id = key.Contains(":key/", StringComparison.Ordinal) ? key[(key.IndexOf(":key/", StringComparison.Ordinal) + 5)..] : key;
        return state.Aliases.TryGetValue("alias/aws/sns", out var managed) && managed == id;
    }

    private static string Payload(JsonObject target, JsonObject evt, string text)
    {
        if (target.Str("Input") is { } input) return input;
        if (target.Str("InputPath") is { } path) return Select(evt, path)?.ToJsonString() ?? "null";
        if (target["InputTransformer"] is JsonObject tr)
        {
            string template = tr.Str("InputTemplate") ?? "";
            if (tr["InputPathsMap"] is JsonObject map)
            {
                foreach (var (k, v) in map)
                {
                    var value = Select(evt, v!.GetValue<string>());
                    string raw = value is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? jv.GetValue<string>() : value?.ToJsonString() ?? "null";
                    template = template.Replace("<" + k + ">", raw, StringComparison.Ordinal);
                }
            }

            return template.Replace("<aws.events.event.json>", text, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The subset of JSONPath InputPath uses: $.a.b[0].</summary>
    private static JsonNode? Select(JsonNode node, string path)
    {
        JsonNode? cur = node;
        foreach (var part in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = part;
            int? index = null;
            int b = part.IndexOf('[', StringComparison.Ordinal);
            if (b >= 0)
            {
                name = part[..b];
                index = int.Parse(part[(b + 1)..^1], CultureInfo.InvariantCulture);
            }

            if (name.Length > 0) cur = (cur as JsonObject)?[name];
            if (index is { } i) cur = cur is JsonArray a && i < a.Count ? a[i] : null;
        }

        return cur;
    }

    private static JsonObject UserIdentity(CallContext ctx)
    {
        var arn = ctx.CallerArn;
        if (arn.Contains(":assumed-role/", StringComparison.Ordinal))
        {
            var roleParts = arn[(arn.IndexOf(":assumed-role/", StringComparison.Ordinal) + ":assumed-role/".Length)..].Split('/');
            return new JsonObject
            {
                ["type"] = "AssumedRole",
                ["principalId"] = ctx.UserId,
                ["arn"] = arn,
                ["accountId"] = ctx.Account,
                ["accessKeyId"] = ctx.AccessKeyId,
                ["sessionContext"] = new JsonObject
                {
                    ["sessionIssuer"] = new JsonObject
                    {
                        ["type"] = "Role",
                        ["principalId"] = ctx.UserId.Split(':')[0],
                        ["arn"] = $"arn:aws:iam::{ctx.Account}:role/{roleParts[0]}",
                        ["accountId"] = ctx.Account,
                        ["userName"] = roleParts[0],
                    },
                    ["attributes"] = new JsonObject { ["creationDate"] = Time(ctx.Now), ["mfaAuthenticated"] = "false" },
                },
            };
        }

        bool root = arn.EndsWith(":root", StringComparison.Ordinal);
        var id = new JsonObject
        {
            ["type"] = root ? "Root" : "IAMUser",
            ["principalId"] = ctx.UserId,
            ["arn"] = arn,
            ["accountId"] = ctx.Account,
            ["accessKeyId"] = ctx.AccessKeyId,
        };
        if (!root) id["userName"] = ctx.CallerName;
        return id;
    }

    private static string Time(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>CloudTrail writes request and response members in camelCase.</summary>
    private static JsonObject Camel(JsonObject o)
    {
        var result = new JsonObject();
        foreach (var (k, v) in o)
        {
            if (v is null) continue;
            result[char.ToLowerInvariant(k[0]) + k[1..]] = v switch
            {
                JsonObject c => Camel(c),
                JsonArray a => new JsonArray([.. a.Select(x => x is JsonObject xo ? Camel(xo) : x?.DeepClone())]),
                _ => v.GetValueKind() == JsonValueKind.Undefined ? null : Plain(v),
            };
        }

        return result;
    }

    private static JsonNode? Plain(JsonNode v) => v is JsonValue jv && jv.TryGetValue<DateTimeOffset>(out var d) ? JsonValue.Create(Time(d)) : v.DeepClone();

    private static JsonObject HideSecrets(JsonObject o)
    {
        if (o.ContainsKey("tokenValue")) o["tokenValue"] = "Value hidden due to security reasons.";
        return o;
    }
}
