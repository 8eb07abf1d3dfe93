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
}
