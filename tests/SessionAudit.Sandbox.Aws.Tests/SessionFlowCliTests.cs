using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>Sessions, managed nodes and the CloudTrail -> EventBridge -> target flow, on the example world, through the AWS CLI.</summary>
public sealed class SessionFlowCliTests : IDisposable
{
    private const string Alice = "AKIAACMEALICE0000001";
    private readonly string pluginDir = Directory.CreateTempSubdirectory("ssm-plugin-").FullName;

    public void Dispose() => Directory.Delete(pluginDir, recursive: true);

    /// <summary>start-session hands the StartSession answer to session-manager-plugin; this stand-in records it and exits 0.</summary>
    private AwsCli WithPlugin(AwsCli cli)
    {
        string plugin = Path.Combine(pluginDir, "session-manager-plugin");
        File.WriteAllText(plugin, $"#!/bin/sh\nprintf '%s' \"$1\" > '{pluginDir}/response.json'\nexit 0\n");
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the AWS CLI tests run on Linux");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return cli.WithEnv("PATH", pluginDir + ":" + Environment.GetEnvironmentVariable("PATH"));
    }

    [Fact]
    public async Task Start_session_with_a_logging_trail_and_a_matching_rule_delivers_one_CloudTrail_event_to_SNS()
    {
        await using var sb = await Sandboxes.StartAsync(RepoFiles.ExampleSeed);
        var aws = WithPlugin(new AwsCli(sb.Url, Alice));
        await aws.OkAsync("events", "put-rule", "--name", "session-activity", "--event-pattern", EventsCliTests.SessionPattern);
        await aws.OkAsync("events", "put-targets", "--rule", "session-activity", "--targets", """[{"Id":"sns","Arn":"arn:aws:sns:us-east-1:111122223333:session-activity"}]""");
        // A new topic lets only its owner account publish; the rule needs a statement for events.amazonaws.com.
        await aws.OkAsync("sns", "set-topic-attributes", "--topic-arn", "arn:aws:sns:us-east-1:111122223333:session-activity", "--attribute-name", "Policy", "--attribute-value",
            """{"Version":"2012-10-17","Statement":[{"Sid":"events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:111122223333:session-activity","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:events:us-east-1:111122223333:rule/session-activity"}}}]}""");

        var started = await aws.RunAsync("ssm", "start-session", "--target", "i-0a1b2c3d4e5f60002", "--reason", "patching");
        Assert.True(started.ExitCode == 0, started.Stderr);
        var response = JsonNode.Parse(File.ReadAllText(Path.Combine(pluginDir, "response.json")))!;
        string sessionId = response["SessionId"]!.GetValue<string>();
        Assert.StartsWith("alice-", sessionId, StringComparison.Ordinal);

        var delivery = Assert.Single(sb.Deliveries);
        Assert.Equal(AwsDeliveryKind.Sns, delivery.Kind);
        Assert.True(delivery.Delivered);
        Assert.Equal("arn:aws:sns:us-east-1:111122223333:session-activity", delivery.TargetArn);
        var evt = JsonNode.Parse(delivery.Payload)!;
        Assert.Equal("AWS API Call via CloudTrail", evt["detail-type"]!.GetValue<string>());
        Assert.Equal("aws.ssm", evt["source"]!.GetValue<string>());
        Assert.Equal("111122223333", evt["account"]!.GetValue<string>());
        var detail = evt["detail"]!;
        Assert.Equal("ssm.amazonaws.com", detail["eventSource"]!.GetValue<string>());
        Assert.Equal("StartSession", detail["eventName"]!.GetValue<string>());
        Assert.Equal("IAMUser", detail["userIdentity"]!["type"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::111122223333:user/alice", detail["userIdentity"]!["arn"]!.GetValue<string>());
        Assert.Equal(Alice, detail["userIdentity"]!["accessKeyId"]!.GetValue<string>());
        Assert.Equal("i-0a1b2c3d4e5f60002", detail["requestParameters"]!["target"]!.GetValue<string>());
        Assert.Equal(sessionId, detail["responseElements"]!["sessionId"]!.GetValue<string>());
        Assert.Equal("Value hidden due to security reasons.", detail["responseElements"]!["tokenValue"]!.GetValue<string>());

        await aws.OkAsync("ssm", "resume-session", "--session-id", sessionId);
        var active = await aws.OkAsync("ssm", "describe-sessions", "--state", "Active", "--filters", $"key=SessionId,value={sessionId}");
        Assert.Equal("patching", Assert.Single(active["Sessions"]!.AsArray())!["Reason"]!.GetValue<string>());
        await aws.OkAsync("ssm", "terminate-session", "--session-id", sessionId);
        Assert.Equal(["StartSession", "ResumeSession", "TerminateSession"], sb.Deliveries.Select(d => JsonNode.Parse(d.Payload)!["detail"]!["eventName"]!.GetValue<string>()));

        await aws.FailsAsync("TargetNotConnected", "ssm", "start-session", "--target", "i-0123456789abcdef0");
        await aws.FailsAsync("DoesNotExistException", "ssm", "resume-session", "--session-id", "alice-00000000000000000");

        // Without a logging trail nothing reaches EventBridge.
        await aws.OkAsync("cloudtrail", "stop-logging", "--name", "management-events");
        var again = await aws.RunAsync("ssm", "start-session", "--target", "i-0a1b2c3d4e5f60001");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(3, sb.Deliveries.Count);

        var writes = sb.CallLog.Where(c => c.Service == "ssm" && c.IsWrite).Select(c => c.Operation).ToList();
        Assert.Contains("StartSession", writes);
        Assert.DoesNotContain("DescribeSessions", writes);
    }

    [Fact]
    public async Task The_example_world_reports_thirty_days_of_sessions_and_managed_nodes()
    {
        await using var sb = await Sandboxes.StartAsync(RepoFiles.ExampleSeed);
        var aws = new AwsCli(sb.Url, Alice);
        var history = await aws.OkAsync("ssm", "describe-sessions", "--state", "History");
        var sessions = history["Sessions"]!.AsArray();
        Assert.Equal(60, sessions.Count);
        Assert.Contains(sessions, s => s!["DocumentName"]!.GetValue<string>() == "AWS-StartPortForwardingSession");
        Assert.Contains(sessions, s => s!["DocumentName"]!.GetValue<string>() == "AWS-StartSSHSession");

        var page = await aws.OkAsync("ssm", "describe-sessions", "--state", "History", "--max-results", "25", "--no-paginate",
            "--filters", "key=Owner,value=arn:aws:iam::111122223333:user/alice", $"key=InvokedAfter,value={DateTimeOffset.UtcNow.AddDays(-30):yyyy-MM-ddTHH:mm:ssZ}");
        Assert.All(page["Sessions"]!.AsArray(), s => Assert.Equal("arn:aws:iam::111122223333:user/alice", s!["Owner"]!.GetValue<string>()));

        await aws.FailsAsync("ValidationException", "ssm", "describe-sessions", "--state", "History", "--max-results", "500");

        var nodes = await aws.OkAsync("ssm", "describe-instance-information");
        var list = nodes["InstanceInformationList"]!.AsArray();
        Assert.Equal(7, list.Count);
        var legacy = list.Single(n => n!["InstanceId"]!.GetValue<string>() == "i-0a1b2c3d4e5f60006")!;
        Assert.Equal("Windows", legacy["PlatformType"]!.GetValue<string>());
        Assert.Equal("Microsoft Windows Server 2008 R2 Datacenter", legacy["PlatformName"]!.GetValue<string>());
        Assert.Equal("2.3.444.0", legacy["AgentVersion"]!.GetValue<string>());

        var eu = await aws.In("eu-west-1").OkAsync("ssm", "describe-sessions", "--state", "History");
        Assert.Equal(2, eu["Sessions"]!.AsArray().Count);

        var command = await aws.OkAsync("ssm", "send-command", "--document-name", "AWS-RunShellScript", "--instance-ids", "i-0a1b2c3d4e5f60001", "--parameters", "commands=uptime");
        Assert.Equal("Pending", command["Command"]!["Status"]!.GetValue<string>());
        await aws.FailsAsync("InvalidDocument", "ssm", "send-command", "--document-name", "No-Such-Doc", "--instance-ids", "i-0a1b2c3d4e5f60001");
    }
}
