using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>EventBridge rules, targets and pattern tests through the AWS CLI.</summary>
public sealed class EventsCliTests
{
    public const string SessionPattern = """{"source":["aws.ssm"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["ssm.amazonaws.com"],"eventName":["StartSession","ResumeSession","TerminateSession"]}}""";

    [Fact]
    public async Task Rules_and_targets_follow_AWS_limits_and_refusals()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);
        var rule = await aws.OkAsync("events", "put-rule", "--name", "session-activity", "--event-pattern", SessionPattern, "--state", "ENABLED", "--description", "Session Manager activity");
        Assert.Equal("arn:aws:events:us-east-1:000000000000:rule/session-activity", rule["RuleArn"]!.GetValue<string>());
        var described = await aws.OkAsync("events", "describe-rule", "--name", "session-activity");
        Assert.Equal(SessionPattern, described["EventPattern"]!.GetValue<string>());
        Assert.Equal("ENABLED", described["State"]!.GetValue<string>());
        await aws.FailsAsync("InvalidEventPatternException", "events", "put-rule", "--name", "bad", "--event-pattern", """{"source":"aws.ssm"}""");
        await aws.FailsAsync("ResourceNotFoundException", "events", "describe-rule", "--name", "missing");

        string targets = string.Join(',', Enumerable.Range(1, 5).Select(i => $$"""{"Id":"t{{i}}","Arn":"arn:aws:sns:us-east-1:000000000000:topic-{{i}}"}"""));
        var put = await aws.OkAsync("events", "put-targets", "--rule", "session-activity", "--targets", $"[{targets}]");
        Assert.Equal(0, put["FailedEntryCount"]!.GetValue<int>());
        await aws.FailsAsync("LimitExceededException", "events", "put-targets", "--rule", "session-activity", "--targets", """[{"Id":"t6","Arn":"arn:aws:lambda:us-east-1:000000000000:function:audit"}]""");
        await aws.FailsAsync("ValidationException", "events", "delete-rule", "--name", "session-activity");

        await aws.OkAsync("events", "put-rule", "--name", "deploy", "--event-pattern", SessionPattern);
        await aws.FailsAsync("ValidationException", "events", "put-targets", "--rule", "deploy", "--targets", """[{"Id":"p","Arn":"arn:aws:codepipeline:us-east-1:000000000000:audit-pipeline"}]""");
        await aws.OkAsync("events", "put-targets", "--rule", "deploy", "--targets", """[{"Id":"p","Arn":"arn:aws:codepipeline:us-east-1:000000000000:audit-pipeline","RoleArn":"arn:aws:iam::000000000000:role/events-pipeline"}]""");

        var listed = await aws.OkAsync("events", "list-targets-by-rule", "--rule", "session-activity");
        Assert.Equal(5, listed["Targets"]!.AsArray().Count);
        var removed = await aws.OkAsync("events", "remove-targets", "--rule", "session-activity", "--ids", "t1", "t2", "t3", "t4", "t5");
        Assert.Equal(0, removed["FailedEntryCount"]!.GetValue<int>());
        await aws.OkAsync("events", "delete-rule", "--name", "session-activity");
        var rules = await aws.OkAsync("events", "list-rules", "--name-prefix", "d");
        Assert.Equal("deploy", Assert.Single(rules["Rules"]!.AsArray())!["Name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Test_event_pattern_matches_exact_prefix_anything_but_exists_and_numeric()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);
        var evt = new JsonObject
        {
            ["id"] = "1",
            ["account"] = "000000000000",
            ["source"] = "aws.ssm",
            ["time"] = "2024-05-01T10:00:00Z",
            ["region"] = "us-east-1",
            ["resources"] = new JsonArray(),
            ["detail-type"] = "AWS API Call via CloudTrail",
            ["detail"] = new JsonObject { ["eventSource"] = "ssm.amazonaws.com", ["eventName"] = "StartSession", ["count"] = 5, ["userIdentity"] = new JsonObject { ["type"] = "IAMUser" } },
        }.ToJsonString();
        async Task<bool> Test(string pattern) => (await aws.OkAsync("events", "test-event-pattern", "--event-pattern", pattern, "--event", evt))["Result"]!.GetValue<bool>();

        Assert.True(await Test(SessionPattern));
        Assert.False(await Test("""{"detail":{"eventName":[{"prefix":"Terminate"}],"userIdentity":{"type":[{"anything-but":["Root"]}]},"errorCode":[{"exists":true}]}}"""));
        Assert.True(await Test("""{"detail":{"eventName":[{"prefix":"Start"}],"userIdentity":{"type":[{"anything-but":["Root"]}]},"errorCode":[{"exists":false}],"count":[{"numeric":[">",0,"<=",5]}]}}"""));
        await aws.FailsAsync("InvalidEventPatternException", "events", "test-event-pattern", "--event-pattern", """{"detail":{"count":[{"numeric":["~",1]}]}}""", "--event", evt);
        await aws.FailsAsync("ValidationException", "events", "test-event-pattern", "--event-pattern", SessionPattern, "--event", """{"source":"aws.ssm"}""");
    }

    private const string DeliveryWorld = """
        accessKeys:
          AKIASANDBOXTEST00001: "111122223333"
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                buckets:
                  - {name: events-cli-trail, encryption: AES256}
                trails:
                  - {name: management, bucket: events-cli-trail, logging: true}
                topics:
                  - {name: alerts}
                  - {name: encrypted, kmsMasterKeyId: alias/aws/sns}
                  - {name: alerts.fifo}
                functions:
                  - {name: handler}
                instances:
                  - {id: i-0e0e0000000000001}
        """;

    private const string Topic = "arn:aws:sns:us-east-1:111122223333:alerts";

    // start-session without the plugin also ends the session (TerminateSession): match the start only.
    private const string StartPattern = """{"source":["aws.ssm"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["ssm.amazonaws.com"],"eventName":["StartSession"]}}""";
    private const string RuleArn = "arn:aws:events:us-east-1:111122223333:rule/session-activity";

    private static string EventsStatement(string topic, string sourceArn, string op = "ArnEquals") =>
        new JsonObject
        {
            ["Sid"] = "AllowEventBridge" + op,
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = "events.amazonaws.com" },
            ["Action"] = "sns:Publish",
            ["Resource"] = topic,
            ["Condition"] = new JsonObject { [op] = new JsonObject { ["aws:SourceArn"] = sourceArn } },
        }.ToJsonString();

    /// <summary>The default policy with one more statement, as a person adds it by hand.</summary>
    private static async Task AllowAsync(AwsCli aws, string topic, string statement)
    {
        var policy = System.Text.Json.Nodes.JsonNode.Parse((await aws.OkAsync("sns", "get-topic-attributes", "--topic-arn", topic))["Attributes"]!["Policy"]!.GetValue<string>())!;
        policy["Statement"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse(statement));
        await aws.OkAsync("sns", "set-topic-attributes", "--topic-arn", topic, "--attribute-name", "Policy", "--attribute-value", policy.ToJsonString());
    }

    /// <summary>start-session without session-manager-plugin: the CLI makes the StartSession call, then fails to hand it on.</summary>
    private static async Task StartSessionAsync(AwsSandbox sb, AwsCli aws)
    {
        int before = sb.CallLog.Count(c => c.Operation == "StartSession" && c.Succeeded);
        await aws.RunAsync("ssm", "start-session", "--target", "i-0e0e0000000000001");
        Assert.Equal(before + 1, sb.CallLog.Count(c => c.Operation == "StartSession" && c.Succeeded));
    }

    [Fact]
    public async Task A_new_topic_has_the_owner_only_default_policy_and_receives_a_start_session_only_once_its_policy_allows_EventBridge_for_the_rule()
    {
        await using var sb = await Sandboxes.StartAsync(DeliveryWorld);
        var aws = new AwsCli(sb.Url);
        var created = await aws.OkAsync("sns", "create-topic", "--name", "fresh");
        var fresh = System.Text.Json.Nodes.JsonNode.Parse((await aws.OkAsync("sns", "get-topic-attributes", "--topic-arn", created["TopicArn"]!.GetValue<string>()))["Attributes"]!["Policy"]!.GetValue<string>())!;
        Assert.Equal("__default_policy_ID", fresh["Id"]!.GetValue<string>());
        var statement = fresh["Statement"]!.AsArray().Single()!;
        Assert.Equal("__default_statement_ID", statement["Sid"]!.GetValue<string>());
        Assert.Equal("*", statement["Principal"]!["AWS"]!.GetValue<string>());
        Assert.Equal("111122223333", statement["Condition"]!["StringEquals"]!["AWS:SourceOwner"]!.GetValue<string>());
        Assert.Contains("SNS:Publish", statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()));

        await aws.OkAsync("events", "put-rule", "--name", "session-activity", "--event-pattern", StartPattern);
        await aws.OkAsync("events", "put-targets", "--rule", "session-activity", "--targets", $$"""[{"Id":"sns","Arn":"{{Topic}}"}]""");

        // The default policy: EventBridge's invocation fails and nothing reaches the topic.
        await StartSessionAsync(sb, aws);
        var refused = Assert.Single(sb.Deliveries);
        Assert.False(refused.Delivered);
        Assert.Contains("events.amazonaws.com", refused.Error, StringComparison.Ordinal);

        // A statement for another rule does not count; one for this rule does.
        await AllowAsync(aws, Topic, EventsStatement(Topic, "arn:aws:events:us-east-1:111122223333:rule/other"));
        await StartSessionAsync(sb, aws);
        Assert.False(sb.Deliveries[^1].Delivered);
        await AllowAsync(aws, Topic, EventsStatement(Topic, "arn:aws:events:us-east-1:111122223333:rule/session-*", "ArnLike"));
        sb.ClearDeliveries();
        await StartSessionAsync(sb, aws);
        var delivered = Assert.Single(sb.Deliveries);
        Assert.True(delivered.Delivered, delivered.Error);
        Assert.Equal(Topic, delivered.TargetArn);

        await aws.FailsAsync("InvalidParameter", "sns", "set-topic-attributes", "--topic-arn", Topic, "--attribute-name", "Policy", "--attribute-value", "not json");
        await aws.FailsAsync("InvalidParameter", "sns", "set-topic-attributes", "--topic-arn", Topic, "--attribute-name", "Colour", "--attribute-value", "red");
        await aws.FailsAsync("NotFound", "sns", "set-topic-attributes", "--topic-arn", "arn:aws:sns:us-east-1:111122223333:gone", "--attribute-name", "DisplayName", "--attribute-value", "x");
    }

    [Fact]
    public async Task A_topic_encrypted_with_aws_sns_or_a_FIFO_topic_never_receives_EventBridge_deliveries_whatever_its_policy()
    {
        await using var sb = await Sandboxes.StartAsync(DeliveryWorld);
        var aws = new AwsCli(sb.Url);
        const string encrypted = "arn:aws:sns:us-east-1:111122223333:encrypted";
        const string fifo = "arn:aws:sns:us-east-1:111122223333:alerts.fifo";
        Assert.Equal("alias/aws/sns", (await aws.OkAsync("sns", "get-topic-attributes", "--topic-arn", encrypted))["Attributes"]!["KmsMasterKeyId"]!.GetValue<string>());
        Assert.Equal("true", (await aws.OkAsync("sns", "get-topic-attributes", "--topic-arn", fifo))["Attributes"]!["FifoTopic"]!.GetValue<string>());
        await AllowAsync(aws, encrypted, EventsStatement(encrypted, RuleArn));
        await AllowAsync(aws, fifo, EventsStatement(fifo, RuleArn));
        await aws.OkAsync("events", "put-rule", "--name", "session-activity", "--event-pattern", StartPattern);
        await aws.OkAsync("events", "put-targets", "--rule", "session-activity", "--targets", $$"""[{"Id":"kms","Arn":"{{encrypted}}"},{"Id":"fifo","Arn":"{{fifo}}"}]""");

        await StartSessionAsync(sb, aws);

        Assert.Equal(2, sb.Deliveries.Count);
        Assert.All(sb.Deliveries, d => Assert.False(d.Delivered));
        Assert.Contains("aws/sns", sb.Deliveries.Single(d => d.TargetArn == encrypted).Error, StringComparison.Ordinal);
        Assert.Contains("FIFO", sb.Deliveries.Single(d => d.TargetArn == fifo).Error, StringComparison.Ordinal);

        // Once the topic is no longer encrypted with aws/sns, the same policy lets the rule publish.
        await aws.OkAsync("sns", "set-topic-attributes", "--topic-arn", encrypted, "--attribute-name", "KmsMasterKeyId", "--attribute-value", "");
        sb.ClearDeliveries();
        await StartSessionAsync(sb, aws);
        Assert.True(sb.Deliveries.Single(d => d.TargetArn == encrypted).Delivered);
    }

    [Fact]
    public async Task A_function_is_invoked_only_after_AddPermission_allows_EventBridge_for_the_rule_and_its_policy_follows_the_lambda_model()
    {
        await using var sb = await Sandboxes.StartAsync(DeliveryWorld);
        var aws = new AwsCli(sb.Url);
        const string function = "arn:aws:lambda:us-east-1:111122223333:function:handler";
        await aws.FailsAsync("ResourceNotFoundException", "lambda", "get-policy", "--function-name", "handler");
        await aws.OkAsync("events", "put-rule", "--name", "session-activity", "--event-pattern", StartPattern);
        await aws.OkAsync("events", "put-targets", "--rule", "session-activity", "--targets", $$"""[{"Id":"fn","Arn":"{{function}}"}]""");

        await StartSessionAsync(sb, aws);
        Assert.False(Assert.Single(sb.Deliveries).Delivered);

        await aws.OkAsync("lambda", "add-permission", "--function-name", "handler", "--statement-id", "other-rule", "--action", "lambda:InvokeFunction",
            "--principal", "events.amazonaws.com", "--source-arn", "arn:aws:events:us-east-1:111122223333:rule/other");
        await StartSessionAsync(sb, aws);
        Assert.False(sb.Deliveries[^1].Delivered);

        var added = await aws.OkAsync("lambda", "add-permission", "--function-name", function, "--statement-id", "session-activity", "--action", "lambda:InvokeFunction",
            "--principal", "events.amazonaws.com", "--source-arn", RuleArn);
        var statement = System.Text.Json.Nodes.JsonNode.Parse(added["Statement"]!.GetValue<string>())!;
        Assert.Equal("events.amazonaws.com", statement["Principal"]!["Service"]!.GetValue<string>());
        Assert.Equal(RuleArn, statement["Condition"]!["ArnLike"]!["AWS:SourceArn"]!.GetValue<string>());
        await aws.FailsAsync("ResourceConflictException", "lambda", "add-permission", "--function-name", "handler", "--statement-id", "session-activity", "--action", "lambda:InvokeFunction", "--principal", "events.amazonaws.com");
        sb.ClearDeliveries();
        await StartSessionAsync(sb, aws);
        Assert.True(Assert.Single(sb.Deliveries).Delivered);

        var policy = await aws.OkAsync("lambda", "get-policy", "--function-name", "handler");
        Assert.Equal(["other-rule", "session-activity"], System.Text.Json.Nodes.JsonNode.Parse(policy["Policy"]!.GetValue<string>())!["Statement"]!.AsArray().Select(s => s!["Sid"]!.GetValue<string>()));
        await aws.FailsAsync("PreconditionFailedException", "lambda", "remove-permission", "--function-name", "handler", "--statement-id", "other-rule", "--revision-id", "stale");
        await aws.OkAsync("lambda", "remove-permission", "--function-name", "handler", "--statement-id", "other-rule", "--revision-id", policy["RevisionId"]!.GetValue<string>());
        await aws.FailsAsync("ResourceNotFoundException", "lambda", "remove-permission", "--function-name", "handler", "--statement-id", "other-rule");
        await aws.OkAsync("lambda", "remove-permission", "--function-name", "handler", "--statement-id", "session-activity");
        await aws.FailsAsync("ResourceNotFoundException", "lambda", "get-policy", "--function-name", "handler");
        sb.ClearDeliveries();
        await StartSessionAsync(sb, aws);
        Assert.False(Assert.Single(sb.Deliveries).Delivered);
    }

    [Fact]
    public async Task A_Run_Command_target_keeps_its_Input_and_takes_one_RunCommandTargets_block()
    {
        await using var sb = await Sandboxes.StartAsync(DeliveryWorld);
        var aws = new AwsCli(sb.Url);
        await aws.OkAsync("events", "put-rule", "--name", "session-activity", "--event-pattern", StartPattern);
        const string role = "arn:aws:iam::111122223333:role/events-run-command";
        const string input = """{"commands":["logger session started"]}""";
        var target = new JsonObject
        {
            ["Id"] = "run",
            ["Arn"] = "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
            ["RoleArn"] = role,
            ["Input"] = input,
            ["RunCommandParameters"] = new JsonObject { ["RunCommandTargets"] = new JsonArray(new JsonObject { ["Key"] = "InstanceIds", ["Values"] = new JsonArray("i-0e0e0000000000001") }) },
        };
        await aws.OkAsync("events", "put-targets", "--rule", "session-activity", "--targets", new JsonArray(target.DeepClone()).ToJsonString());
        var listed = Assert.Single((await aws.OkAsync("events", "list-targets-by-rule", "--rule", "session-activity"))["Targets"]!.AsArray())!;
        Assert.Equal(input, listed["Input"]!.GetValue<string>());
        await StartSessionAsync(sb, aws);
        Assert.Equal(input, Assert.Single(sb.Deliveries, d => d.Kind == AwsDeliveryKind.RunCommand).Payload);

        var two = (JsonObject)target.DeepClone();
        two["RunCommandParameters"]!["RunCommandTargets"]!.AsArray().Add(new JsonObject { ["Key"] = "tag:role", ["Values"] = new JsonArray("web") });
        await aws.FailsAsync("ValidationException", "events", "put-targets", "--rule", "session-activity", "--targets", new JsonArray(two).ToJsonString());
        var notJson = (JsonObject)target.DeepClone();
        notJson["Input"] = "commands=uptime";
        await aws.FailsAsync("ValidationException", "events", "put-targets", "--rule", "session-activity", "--targets", new JsonArray(notJson).ToJsonString());
    }
}
