using System.Globalization;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>SNS topics; Publish and rule deliveries are recorded as deliveries.</summary>
internal static class SnsService
{
    public static void Register(HandlerTable t)
    {
        t.Add("sns", "CreateTopic", CreateTopic);
        t.Add("sns", "GetTopicAttributes", GetTopicAttributes);
        t.Add("sns", "ListTopics", ListTopics);
        t.Add("sns", "Publish", Publish);
        t.Add("sns", "DeleteTopic", DeleteTopic);
    }

    private static JsonObject? CreateTopic(CallContext ctx, JsonObject input)
    {
        string name = input.Req("Name");
        if (name.Length > 256 || name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && name.EndsWith(".fifo", StringComparison.Ordinal))))
        {
            throw new AwsException("InvalidParameterException", "Invalid parameter: Topic Name");
        }

        if (!ctx.State.Topics.TryGetValue(name, out var topic))
        {
            topic = new SnsTopic { Arn = ctx.Arn("sns", name) };
            if (input["Attributes"] is JsonObject attrs)
            {
                foreach (var (k, v) in attrs) topic.Attributes[k] = v?.GetValue<string>() ?? "";
            }

            ctx.State.Topics[name] = topic;
        }

        return new JsonObject { ["TopicArn"] = topic.Arn };
    }

    private static SnsTopic Find(CallContext ctx, string arn)
    {
        var parts = arn.Split(':');
        if (parts.Length != 6 || parts[2] != "sns") throw new AwsException("InvalidParameterException", "Invalid parameter: TopicArn");
        var state = ctx.World.Region(parts[4], parts[3]);
        return state.Topics.TryGetValue(parts[5], out var t) ? t : throw new AwsException("NotFoundException", "Topic does not exist");
    }

    private static JsonObject? GetTopicAttributes(CallContext ctx, JsonObject input)
    {
        var t = Find(ctx, input.Req("TopicArn"));
        var attrs = new JsonObject
        {
            ["TopicArn"] = t.Arn,
            ["Owner"] = t.Arn.Split(':')[4],
            ["DisplayName"] = t.Attributes.GetValueOrDefault("DisplayName", ""),
            ["SubscriptionsConfirmed"] = "0",
            ["SubscriptionsPending"] = "0",
            ["SubscriptionsDeleted"] = "0",
            ["EffectiveDeliveryPolicy"] = """{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false}}""",
            ["Policy"] = t.Attributes.GetValueOrDefault("Policy", """{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],"Resource":""" + "\"" + t.Arn + "\",\"Condition\":{\"StringEquals\":{\"AWS:SourceOwner\":\"" + t.Arn.Split(':')[4] + "\"}}}]}"),
        };
        foreach (var (k, v) in t.Attributes) attrs[k] = v;
        return new JsonObject { ["Attributes"] = attrs };
    }

    private static JsonObject? ListTopics(CallContext ctx, JsonObject input)
    {
        var (page, next) = Paging.Page(ctx.State.Topics.Values, input.Str("NextToken"), 100, "InvalidParameterException");
        return new JsonObject { ["Topics"] = Json.Array(page, t => new JsonObject { ["TopicArn"] = t.Arn }), ["NextToken"] = next };
    }

    private static JsonObject? DeleteTopic(CallContext ctx, JsonObject input)
    {
        var t = Find(ctx, input.Req("TopicArn"));
        ctx.World.Region(t.Arn.Split(':')[4], t.Arn.Split(':')[3]).Topics.Remove(t.Arn.Split(':')[5]);
        return null;
    }

    private static JsonObject? Publish(CallContext ctx, JsonObject input)
    {
        string arn = input.Str("TopicArn") ?? input.Str("TargetArn") ?? throw new AwsException("InvalidParameterException", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
        var t = Find(ctx, arn);
        t.MessageCount++;
        string id = ctx.Core.Uuid();
        ctx.Core.Deliver(new AwsDelivery(ctx.Now, ctx.Account, ctx.Region, AwsDeliveryKind.Sns, t.Arn, null, null, input.Req("Message"), true, null));
        return new JsonObject { ["MessageId"] = id, ["SequenceNumber"] = t.Arn.EndsWith(".fifo", StringComparison.Ordinal) ? t.MessageCount.ToString(CultureInfo.InvariantCulture) : null };
    }
}
