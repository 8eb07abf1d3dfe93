using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SessionAudit.Policy.Planning;

/// <summary>EventBridge's permission on SNS and Lambda targets: whether a resource policy lets
/// <c>events.amazonaws.com</c> deliver for a rule, the one statement the operator adds per target, and how it is merged
/// into a topic policy without touching the statements of others. Pure.</summary>
public static class TargetPermissions
{
    /// <summary>The service principal EventBridge delivers as.</summary>
    public const string EventsPrincipal = "events.amazonaws.com";

    /// <summary>The action a topic policy must allow.</summary>
    public const string SnsPublish = "sns:Publish";

    /// <summary>The action a function policy must allow.</summary>
    public const string LambdaInvoke = "lambda:InvokeFunction";

    /// <summary>The Sid (Lambda: StatementId) of the operator's statement for a rule: the rule's name, so it is found
    /// again and tells which policy made it (1..64 of [A-Za-z0-9_-], within Lambda's StatementId pattern).</summary>
    public static string StatementId(string ruleName) => ruleName;

    /// <summary>The rule's ARN, known before the rule exists.</summary>
    public static string RuleArn(string region, string account, string ruleName) =>
        $"arn:{Model.Arn.PartitionOf(region)}:events:{region}:{account}:rule/{ruleName}";

    /// <summary>The statement the operator adds to a topic policy: EventBridge may publish for this rule only.</summary>
    public static string TopicStatement(string ruleName, string topicArn, string ruleArn) => new JsonObject
    {
        ["Sid"] = StatementId(ruleName),
        ["Effect"] = "Allow",
        ["Principal"] = new JsonObject { ["Service"] = EventsPrincipal },
        ["Action"] = SnsPublish,
        ["Resource"] = topicArn,
        ["Condition"] = new JsonObject { ["ArnEquals"] = new JsonObject { ["aws:SourceArn"] = ruleArn } },
    }.ToJsonString();

    /// <summary>The statement Lambda's AddPermission makes of the operator's call (used to judge the policy it leads to).</summary>
    public static string FunctionStatement(string ruleName, string functionArn, string ruleArn) => new JsonObject
    {
        ["Sid"] = StatementId(ruleName),
        ["Effect"] = "Allow",
        ["Principal"] = new JsonObject { ["Service"] = EventsPrincipal },
        ["Action"] = LambdaInvoke,
        ["Resource"] = functionArn,
        ["Condition"] = new JsonObject { ["ArnLike"] = new JsonObject { ["AWS:SourceArn"] = ruleArn } },
    }.ToJsonString();

    /// <summary>The AWS CLI command that grants what the operator would (told to the user when it may not).</summary>
    public static string LambdaCommand(string ruleName, string functionArn, string ruleArn) =>
        $"aws lambda add-permission --function-name {functionArn} --statement-id {StatementId(ruleName)} --action {LambdaInvoke} --principal {EventsPrincipal} --source-arn {ruleArn}";

    /// <summary>True when the KMS key id a topic names is the AWS managed key for SNS (by alias), which EventBridge can never use.</summary>
    public static bool IsAwsManagedSnsKey(string? kmsMasterKeyId) =>
        kmsMasterKeyId is { } k && (k == "alias/aws/sns" || k.EndsWith(":alias/aws/sns", StringComparison.Ordinal));

    /// <summary>True when the policy lets EventBridge perform <paramref name="action"/> on one of <paramref name="resources"/>
    /// for the rule <paramref name="ruleArn"/> of <paramref name="account"/>: an Allow statement whose principal, action,
    /// resource and conditions (StringEquals, StringLike, ArnEquals, ArnLike, ...IfExists on aws:SourceArn and
    /// aws:SourceAccount) fit, and no Deny that does. A condition on any other key fails, as in IAM for a key the request lacks.</summary>
    public static bool Allows(string? policyJson, string action, IReadOnlyList<string> resources, string ruleArn, string account)
    {
        var context = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["aws:SourceArn"] = ruleArn, ["aws:SourceAccount"] = account };
        var allowed = false;
        foreach (var s in Statements(policyJson))
        {
            if (!Applies(s, action, resources, context))
            {
                continue;
            }

            switch (Str(s["Effect"]))
            {
                case "Deny":
                    return false;
                case "Allow":
                    allowed = true;
                    break;
            }
        }

        return allowed;
    }

    /// <summary>True when the policy holds a statement with this Sid.</summary>
    public static bool HasStatement(string? policyJson, string sid) => Statements(policyJson).Any(s => Str(s["Sid"]) == sid);

    /// <summary>The topic policy with <paramref name="statement"/> in place of any statement of the same Sid (appended when
    /// there was none). The other statements and everything outside the Statement array keep their bytes.</summary>
    public static string WithStatement(string? policyJson, string sid, string statement)
    {
        if (Splice(policyJson, sid, statement) is { } spliced)
        {
            return spliced;
        }

        JsonObject? document = null;
        try
        {
            document = string.IsNullOrWhiteSpace(policyJson) ? null : JsonNode.Parse(policyJson) as JsonObject;
        }
        catch (JsonException)
        {
            // Not a policy: replaced by one holding only the statement.
        }

        document ??= new JsonObject { ["Version"] = "2012-10-17" };
        document["Statement"] = new JsonArray(JsonNode.Parse(statement));
        return document.ToJsonString();
    }

    /// <summary>The topic policy without the statement of this Sid; null when it has none.</summary>
    public static string? WithoutStatement(string? policyJson, string sid) =>
        HasStatement(policyJson, sid) ? Splice(policyJson, sid, null) : null;

    // Rewrites only the Statement array: each element is kept as the exact text it had, the one with our Sid dropped,
    // ours appended. Null when the text is not a policy with a Statement to splice.
    private static string? Splice(string? policyJson, string sid, string? statement)
    {
        if (string.IsNullOrWhiteSpace(policyJson))
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(policyJson);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isStatement = reader.ValueTextEquals("Statement");
                reader.Read();
                if (!isStatement)
                {
                    reader.Skip();
                    continue;
                }

                var elements = new List<string>();
                var start = (int)reader.TokenStartIndex;
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var from = (int)reader.TokenStartIndex;
                        reader.Skip();
                        elements.Add(Encoding.UTF8.GetString(bytes, from, (int)reader.BytesConsumed - from));
                    }
                }
                else
                {
                    reader.Skip();
                    elements.Add(Encoding.UTF8.GetString(bytes, start, (int)reader.BytesConsumed - start));
                }

                var end = (int)reader.BytesConsumed;
                var kept = elements.Where(e => !(JsonNode.Parse(e) is JsonObject o && Str(o["Sid"]) == sid)).ToList();
                if (statement is not null)
                {
                    kept.Add(statement);
                }

                return Encoding.UTF8.GetString(bytes, 0, start) + "[" + string.Join(",", kept) + "]" + Encoding.UTF8.GetString(bytes, end, bytes.Length - end);
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<JsonObject> Statements(string? policyJson)
    {
        if (string.IsNullOrWhiteSpace(policyJson))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(policyJson)?["Statement"] switch
            {
                JsonArray a => a.OfType<JsonObject>().ToList(),
                JsonObject o => [o],
                _ => [],
            };
        }
        catch (JsonException)
        {
            return [];
        }
    }

    // NotPrincipal, NotAction and NotResource apply to what they do not name. A Deny is judged so that it never
    // wrongly fails to apply: a condition operator or key this cannot evaluate counts as met for a Deny (and as not met
    // for an Allow), so an unclear policy is never taken to allow delivery.
    private static bool Applies(JsonObject s, string action, IReadOnlyList<string> resources, IReadOnlyDictionary<string, string> context)
    {
        var deny = Str(s["Effect"]) == "Deny";
        var principal = s.ContainsKey("NotPrincipal") ? !NamesEvents(s["NotPrincipal"]) : NamesEvents(s["Principal"]);
        var actionFits = s.ContainsKey("NotAction")
            ? !Values(s["NotAction"]).Any(a => Wildcard(a, action, ignoreCase: true))
            : Values(s["Action"]).Any(a => Wildcard(a, action, ignoreCase: true));
        var resourceFits = s.ContainsKey("NotResource")
            ? !Values(s["NotResource"]).Any(v => resources.Any(res => Wildcard(v, res, ignoreCase: false)))
            : s["Resource"] is not { } r || Values(r).Any(v => resources.Any(res => Wildcard(v, res, ignoreCase: false)));
        return principal && actionFits && resourceFits
               && (s["Condition"] is not JsonObject conditions || conditions.All(c => ConditionHolds(c.Key, c.Value, context, unclear: deny)));
    }

    private static bool NamesEvents(JsonNode? principal) => principal switch
    {
        JsonValue v => Str(v) == "*",
        JsonObject o => o.Any(p => (p.Key == "AWS" && Values(p.Value).Contains("*")) || (p.Key == "Service" && Values(p.Value).Contains(EventsPrincipal))),
        _ => false,
    };

    private static bool ConditionHolds(string op, JsonNode? keys, IReadOnlyDictionary<string, string> context, bool unclear)
    {
        var ifExists = op.EndsWith("IfExists", StringComparison.Ordinal);
        var baseOp = ifExists ? op[..^"IfExists".Length] : op;
        var negated = baseOp is "StringNotEquals" or "StringNotLike" or "ArnNotEquals" or "ArnNotLike";
        Func<string, string, bool>? test = baseOp switch
        {
            "StringEquals" or "StringNotEquals" => (pattern, value) => pattern == value,
            "StringLike" or "StringNotLike" or "ArnEquals" or "ArnLike" or "ArnNotEquals" or "ArnNotLike" => (pattern, value) => Wildcard(pattern, value, ignoreCase: false),
            _ => null,
        };
        if (test is null || keys is not JsonObject byKey)
        {
            return unclear;
        }

        foreach (var (key, expected) in byKey)
        {
            if (!context.TryGetValue(key, out var actual))
            {
                // A key EventBridge's request may carry that is not modelled here: unclear. IfExists: met.
                if (ifExists)
                {
                    continue;
                }

                if (!unclear)
                {
                    return false;
                }

                continue;
            }

            if (Values(expected).Any(e => test(e, actual)) == negated)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> Values(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(Str).OfType<string>(),
        JsonValue v when Str(v) is { } s => [s],
        _ => [],
    };

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Wildcard(string pattern, string value, bool ignoreCase) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
