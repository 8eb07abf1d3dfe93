using System.Globalization;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>SNS topics; Publish and rule deliveries are recorded as deliveries.</summary>
internal static class SnsService
{
    /// <summary>Largest topic policy SNS accepts (Amazon SNS API permissions reference, "Policy quotas": 30 KB).</summary>
    public const int MaxPolicyBytes = 30 * 1024;

    /// <summary>Most statements in a topic policy (same page: 100).</summary>
    public const int MaxPolicyStatements = 100;

    /// <summary>Attributes SetTopicAttributes accepts (botocore sns SetTopicAttributesInput.AttributeName documentation).</summary>
    private static readonly HashSet<string> SettableAttributes = new(StringComparer.Ordinal)
    {
        "DeliveryPolicy", "DisplayName", "Policy", "TracingConfig", "KmsMasterKeyId", "SignatureVersion", "ContentBasedDeduplication",
        "ArchivePolicy", "FifoThroughputScope", "ApplicationSuccessFeedbackRoleArn", "ApplicationSuccessFeedbackSampleRate",
        "ApplicationFailureFeedbackRoleArn", "HTTPSuccessFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate", "HTTPFailureFeedbackRoleArn",
        "LambdaSuccessFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate", "LambdaFailureFeedbackRoleArn", "SQSSuccessFeedbackRoleArn",
        "SQSSuccessFeedbackSampleRate", "SQSFailureFeedbackRoleArn", "FirehoseSuccessFeedbackRoleArn", "FirehoseSuccessFeedbackSampleRate",
        "FirehoseFailureFeedbackRoleArn",
    };

    /// <summary>The policy SNS gives a new topic: the owner account only (AWS:SourceOwner), so no service principal
    /// such as events.amazonaws.com may publish until a statement allows it.</summary>
    public static string DefaultPolicy(string topicArn)
    {
        string account = topicArn.Split(':')[4];
        return "{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\",\"Statement\":[{\"Sid\":\"__default_statement_ID\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
            + "\"Action\":[\"SNS:GetTopicAttributes\",\"SNS:SetTopicAttributes\",\"SNS:AddPermission\",\"SNS:RemovePermission\",\"SNS:DeleteTopic\",\"SNS:Subscribe\",\"SNS:ListSubscriptionsByTopic\",\"SNS:Publish\"],"
            + "\"Resource\":\"" + topicArn + "\",\"Condition\":{\"StringEquals\":{\"AWS:SourceOwner\":\"" + account + "\"}}}]}";
    }

    /// <summary>A new topic's attributes: the default policy, and FifoTopic for a .fifo name.</summary>
    public static SnsTopic NewTopic(string arn)
    {
        var topic = new SnsTopic { Arn = arn };
        topic.Attributes["Policy"] = DefaultPolicy(arn);
        if (arn.EndsWith(".fifo", StringComparison.Ordinal))
        {
            topic.Attributes["FifoTopic"] = "true";
            topic.Attributes["ContentBasedDeduplication"] = "false";
        }

        return topic;
    }

    public static void Register(HandlerTable t)
    {
        t.Add("sns", "CreateTopic", CreateTopic);
        t.Add("sns", "GetTopicAttributes", GetTopicAttributes);
        t.Add("sns", "SetTopicAttributes", SetTopicAttributes);
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
            topic = NewTopic(ctx.Arn("sns", name));
            if (input["Attributes"] is JsonObject attrs)
            {
                foreach (var (k, v) in attrs)
                {
                    string value = v?.GetValue<string>() ?? "";
                    if (k == "Policy") CheckPolicy(value);
                    topic.Attributes[k] = value;
                }
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
            ["Policy"] = t.Attributes.GetValueOrDefault("Policy") ?? DefaultPolicy(t.Arn),
        };
        foreach (var (k, v) in t.Attributes) attrs[k] = v;
        return new JsonObject { ["Attributes"] = attrs };
    }

    private static JsonObject? SetTopicAttributes(CallContext ctx, JsonObject input)
    {
        var t = Find(ctx, input.Req("TopicArn"));
        string name = input.Req("AttributeName");
        if (!SettableAttributes.Contains(name)) throw new AwsException("InvalidParameterException", "Invalid parameter: AttributeName");
        string value = input.Str("AttributeValue") ?? "";
        if (name == "Policy") CheckPolicy(value);
        if (name is "ContentBasedDeduplication" or "FifoThroughputScope" && !t.Arn.EndsWith(".fifo", StringComparison.Ordinal))
        {
            throw new AwsException("InvalidParameterException", $"Invalid parameter: Attributes Reason: {name} is only valid for FIFO topics");
        }

        if (name == "KmsMasterKeyId" && value.Length == 0) t.Attributes.Remove(name);
        else t.Attributes[name] = value;
        return null;
    }

    /// <summary>A topic policy must be a JSON policy document within SNS's quotas.</summary>
    private static void CheckPolicy(string policy)
    {
        JsonNode? doc;
        try { doc = JsonNode.Parse(policy); }
        catch (System.Text.Json.JsonException) { throw new AwsException("InvalidParameterException", "Invalid parameter: Policy Error: null"); }
        if (doc is not JsonObject o || o["Statement"] is not (JsonArray or JsonObject))
        {
            throw new AwsException("InvalidParameterException", "Invalid parameter: Policy Error: Statement is missing");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(policy) > MaxPolicyBytes || (o["Statement"] is JsonArray a && a.Count > MaxPolicyStatements))
        {
            throw new AwsException("InvalidParameterException", "Invalid parameter: Policy Error: the policy exceeds the topic policy quotas (30 KB, 100 statements)");
        }
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
