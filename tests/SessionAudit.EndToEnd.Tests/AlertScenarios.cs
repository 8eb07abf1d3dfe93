using System.Text.Json.Nodes;
using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Sandbox.Aws;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The world of the alert scenarios: us-east-1 has a logging trail, every kind of target and an online instance;
/// us-west-2 has no trail.</summary>
public sealed class AlertWorld : OperatorWorld
{
    protected override string? AdminManifests => RunShellScriptAllowed;

    protected override string Seed => """
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                buckets:
                  - {name: e2e-alerts-trail, encryption: AES256}
                trails:
                  - {name: e2e-trail, bucket: e2e-alerts-trail, logging: true}
                topics:
                  - {name: e2e-session-alerts}
                  - {name: e2e-owner-only}
                functions:
                  - {name: e2e-session-handler}
                  - {name: e2e-no-policy}
                pipelines:
                  - {name: e2e-remediation}
                instances:
                  - {id: i-0e2e0000000000001, computerName: bastion}
              - name: us-west-2
                topics:
                  - {name: e2e-west-alerts}
        """;
}

/// <summary>S6-S8: the operator's EventBridge rule and its SNS, Lambda, CodePipeline and Run Command targets, read back
/// with `aws events`; a StartSession made with the AWS CLI reaches each target once through that rule; without a
/// logging trail the rule is still made and AuditTrailReady says it will not fire.</summary>
public sealed class AlertScenarios(AlertWorld fixture) : IClassFixture<AlertWorld>
{
    private const string Topic = "arn:aws:sns:us-east-1:111122223333:e2e-session-alerts";
    private const string Function = "arn:aws:lambda:us-east-1:111122223333:function:e2e-session-handler";
    private const string Pipeline = "arn:aws:codepipeline:us-east-1:111122223333:e2e-remediation";
    private const string PipelineRole = "arn:aws:iam::111122223333:role/e2e-start-pipeline";
    private const string CommandRole = "arn:aws:iam::111122223333:role/e2e-send-command";
    private const string Instance = "i-0e2e0000000000001";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestWorld World => fixture.World;

    private static string AlertPolicy(bool withLambda) => $$"""
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: alerts
        spec:
          region: us-east-1
          documentName: E2E-Alerts
          alerts:
            events: [StartSession]
            snsTopicArns: ["{{Topic}}"]
            lambdaFunctionArns: [{{(withLambda ? "\"" + Function + "\"" : "")}}]
            codePipelines:
              - {arn: "{{Pipeline}}", roleArn: "{{PipelineRole}}"}
            runCommands:
              - documentName: AWS-RunShellScript
                roleArn: "{{CommandRole}}"
                targets: [{key: InstanceIds, values: ["{{Instance}}"]}]
        """;

    private async Task<JsonArray> TargetsAsync(string rule, string region = "us-east-1") =>
        (await World.PersonJsonAsync(["events", "list-targets-by-rule", "--rule", rule], region, Ct))!["Targets"]!.AsArray();

    [Fact]
    public async Task S7_S8_the_rule_carries_SNS_Lambda_CodePipeline_and_Run_Command_targets_and_a_StartSession_reaches_each_once()
    {
        await World.ApplyAsync(AlertPolicy(withLambda: true), ct: Ct);
        await World.KubectlWaitReadyAsync("alerts", ct: Ct);

        var rule = await World.PersonJsonAsync(["events", "describe-rule", "--name", "session-audit-alerts"], ct: Ct);
        Assert.Equal("ENABLED", (string?)rule!["State"]);
        var pattern = JsonNode.Parse((string)rule["EventPattern"]!)!;
        Assert.Equal(["aws.ssm"], pattern["source"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(["StartSession"], pattern["detail"]!["eventName"]!.AsArray().Select(s => (string)s!));
        var policy = await World.GetPolicyAsync("alerts", Ct);
        Assert.Equal((string?)rule["Arn"], (string?)policy!["status"]!["ruleArn"]);
        Assert.Equal("TrailLogging", (string?)PolicyWorld.Condition(policy, "AuditTrailReady")!["reason"]);

        var targets = await TargetsAsync("session-audit-alerts");
        var byArn = targets.ToDictionary(t => (string)t!["Arn"]!, t => t!.AsObject());
        Assert.Equal(4, byArn.Count);
        Assert.Null(byArn[Topic]["RoleArn"]);
        Assert.Null(byArn[Function]["RoleArn"]);
        Assert.Equal(PipelineRole, (string?)byArn[Pipeline]["RoleArn"]);
        var command = byArn.Single(kv => kv.Key.EndsWith(":document/AWS-RunShellScript", StringComparison.Ordinal)).Value;
        Assert.Equal(CommandRole, (string?)command["RoleArn"]);
        var selection = command["RunCommandParameters"]!["RunCommandTargets"]!.AsArray().Single()!;
        Assert.Equal("InstanceIds", (string?)selection["Key"]);
        Assert.Equal([Instance], selection["Values"]!.AsArray().Select(v => (string)v!));
        Assert.All(targets, t => Assert.StartsWith("sa-", (string?)t!["Id"], StringComparison.Ordinal));

        // A person opens a session with the AWS CLI (no session-manager-plugin here: the CLI starts the session, then ends it).
        World.Aws.ClearDeliveries();
        await World.PersonCliAsync(["ssm", "start-session", "--target", Instance], check: false, ct: Ct);
        Assert.Contains(World.Aws.CallLog, c => c.Operation == "StartSession" && c.AccessKeyId == PolicyWorld.PersonAccessKeyId && c.Succeeded);

        // Other rules in this world may match too; what counts is what went through this policy's rule.
        IReadOnlyList<AwsDelivery> ThroughRule() => World.Aws.Deliveries.Where(d => d.RuleName == "session-audit-alerts").ToList();
        var deliveries = await Eventually.WaitAsync(
            () => Task.FromResult(ThroughRule()),
            d => d.Count >= 4,
            TimeSpan.FromSeconds(10), "a delivery to each of the rule's targets", Ct);
        Assert.All(deliveries, d =>
        {
            Assert.True(d.Delivered, d.Error);
            Assert.Contains("StartSession", d.Payload, StringComparison.Ordinal);
        });
        Assert.Equal(
            [AwsDeliveryKind.Sns, AwsDeliveryKind.Lambda, AwsDeliveryKind.CodePipeline, AwsDeliveryKind.RunCommand],
            deliveries.Select(d => d.Kind).Order());
        Assert.Single(deliveries, d => d.TargetArn == Topic);
        Assert.Equal(4, ThroughRule().Count);
    }

    [Fact]
    public async Task Only_the_difference_in_targets_is_changed_and_a_target_added_by_hand_is_kept()
    {
        await World.ApplyAsync(AlertPolicy(withLambda: true).Replace("name: alerts", "name: alerts-diff", StringComparison.Ordinal).Replace("E2E-Alerts", "E2E-Alerts-Diff", StringComparison.Ordinal), ct: Ct);
        await World.KubectlWaitReadyAsync("alerts-diff", ct: Ct);
        const string rule = "session-audit-alerts-diff";
        await World.PersonCliAsync(["events", "put-targets", "--rule", rule, "--targets", $"Id=by-hand,Arn={Topic}"], ct: Ct);
        var before = (await TargetsAsync(rule)).ToDictionary(t => (string)t!["Id"]!, t => (string)t!["Arn"]!);
        Assert.Equal(5, before.Count);

        var since = DateTimeOffset.UtcNow;
        await World.ApplyAsync(AlertPolicy(withLambda: false).Replace("name: alerts", "name: alerts-diff", StringComparison.Ordinal).Replace("E2E-Alerts", "E2E-Alerts-Diff", StringComparison.Ordinal), ct: Ct);
        var after = await Eventually.WaitAsync(
            async () => (await TargetsAsync(rule)).ToDictionary(t => (string)t!["Id"]!, t => (string)t!["Arn"]!),
            t => !t.ContainsValue(Function),
            TimeSpan.FromSeconds(45), "the Lambda target to be removed", Ct);
        Assert.Equal(before.Where(kv => kv.Value != Function).OrderBy(kv => kv.Key), after.OrderBy(kv => kv.Key));
        Assert.Equal(Topic, after["by-hand"]);

        await World.WaitForConditionAsync("alerts-diff", "AlertsReady", "True", ct: Ct);
        var writes = World.OperatorWritesSince(since).Select(c => c.Operation).ToList();
        // The Lambda target leaves the rule, and the operator's statement leaves its policy.
        Assert.Equal(["RemoveTargets", "RemovePermission"], writes);
    }

    [Fact]
    public async Task S6_without_a_logging_trail_the_rule_is_still_made_and_AuditTrailReady_says_it_will_not_fire()
    {
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: alerts-west
            spec:
              region: us-west-2
              documentName: E2E-Alerts-West
              alerts:
                snsTopicArns: ["arn:aws:sns:us-west-2:111122223333:e2e-west-alerts"]
            """, ct: Ct);

        var policy = await World.WaitForConditionAsync("alerts-west", "AuditTrailReady", "False", "NoLoggingTrail", ct: Ct);
        Assert.Contains("will not fire", (string?)PolicyWorld.Condition(policy, "AuditTrailReady")!["message"]);
        policy = await World.WaitForConditionAsync("alerts-west", "AlertsReady", "True", "RuleReady", ct: Ct);
        Assert.Equal("False", (string?)PolicyWorld.Condition(policy, "Ready")!["status"]);
        Assert.Equal("True", (string?)PolicyWorld.Condition(policy, "PreferencesSynced")!["status"]);

        var trails = await World.PersonJsonAsync(["cloudtrail", "describe-trails"], "us-west-2", Ct);
        Assert.DoesNotContain(trails!["trailList"]!.AsArray(), t => (string?)t!["HomeRegion"] == "us-west-2" || (bool?)t!["IsMultiRegionTrail"] == true);
        var rule = await World.PersonJsonAsync(["events", "describe-rule", "--name", "session-audit-alerts-west"], "us-west-2", Ct);
        Assert.Equal("ENABLED", (string?)rule!["State"]);
        Assert.Single(await TargetsAsync("session-audit-alerts-west", "us-west-2"));
        Assert.Contains(await World.PolicyEventsAsync("alerts-west", Ct), e => e.Reason == "NoLoggingTrail" && e.Type == "Warning");
    }

    private static string PermissionPolicy(string name, string target, bool manage) => $$"""
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: {{name}}
        spec:
          region: us-east-1
          documentName: E2E-{{name}}
          alerts:
            events: [StartSession]
            {{target}}
            managePermissions: {{(manage ? "true" : "false")}}
        """;

    /// <summary>A person starts a session; returns what reached <paramref name="arn"/> through the policy's rule since.</summary>
    private async Task<IReadOnlyList<AwsDelivery>> StartSessionAsync(string rule, string arn)
    {
        World.Aws.ClearDeliveries();
        await World.PersonCliAsync(["ssm", "start-session", "--target", Instance], check: false, ct: Ct);
        return await Eventually.WaitAsync(
            () => Task.FromResult<IReadOnlyList<AwsDelivery>>(World.Aws.Deliveries.Where(d => d.RuleName == rule && d.TargetArn == arn).ToList()),
            d => d.Count >= 1,
            TimeSpan.FromSeconds(10), $"EventBridge's attempt to deliver to {arn}", Ct);
    }

    [Theory]
    [InlineData("sns")]
    [InlineData("lambda")]
    public async Task A_target_whose_policy_does_not_allow_EventBridge_is_reported_with_managePermissions_false_and_given_the_operators_statement_otherwise(string kind)
    {
        var name = "alerts-perm-" + kind;
        var rule = "session-audit-" + name;
        var ruleArn = "arn:aws:events:us-east-1:111122223333:rule/" + rule;
        var arn = kind == "sns" ? "arn:aws:sns:us-east-1:111122223333:e2e-owner-only" : "arn:aws:lambda:us-east-1:111122223333:function:e2e-no-policy";
        var target = kind == "sns" ? $"snsTopicArns: [\"{arn}\"]" : $"lambdaFunctionArns: [\"{arn}\"]";

        // Only reported: the rule and its target are made, EventBridge's delivery fails, AlertsReady says what to add.
        await World.ApplyAsync(PermissionPolicy(name, target, manage: false), ct: Ct);
        var policy = await World.WaitForConditionAsync(name, "AlertsReady", "False", "DeliveryNotAllowed", ct: Ct);
        var message = (string?)PolicyWorld.Condition(policy, "AlertsReady")!["message"];
        Assert.Contains("events.amazonaws.com", message, StringComparison.Ordinal);
        Assert.Contains(ruleArn, message, StringComparison.Ordinal);
        Assert.Single(await TargetsAsync(rule));
        var before = await StartSessionAsync(rule, arn);
        Assert.All(before, d => Assert.False(d.Delivered));

        // Managed: the operator adds its one statement, and the next session is delivered exactly once.
        await World.ApplyAsync(PermissionPolicy(name, target, manage: true), ct: Ct);
        await World.WaitForConditionAsync(name, "AlertsReady", "True", "RuleReady", ct: Ct);
        var after = await StartSessionAsync(rule, arn);
        var delivered = Assert.Single(after);
        Assert.True(delivered.Delivered, delivered.Error);
        Assert.Contains("StartSession", delivered.Payload, StringComparison.Ordinal);

        var statements = JsonNode.Parse(kind == "sns"
            ? (string)(await World.PersonJsonAsync(["sns", "get-topic-attributes", "--topic-arn", arn], ct: Ct))!["Attributes"]!["Policy"]!
            : (string)(await World.PersonJsonAsync(["lambda", "get-policy", "--function-name", arn], ct: Ct))!["Policy"]!)!["Statement"]!.AsArray();
        var ours = Assert.Single(statements, st => (string?)st!["Sid"] == rule)!;
        Assert.Equal("events.amazonaws.com", (string?)ours["Principal"]!["Service"]);
        if (kind == "sns")
        {
            // The topic's own statement is still there.
            Assert.Contains(statements, st => (string?)st!["Sid"] == "__default_statement_ID");
        }
    }

    [Fact]
    public async Task A_Run_Command_targets_parameters_are_its_Input_in_list_targets_by_rule()
    {
        await World.ApplyAsync($$"""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: alerts-run
            spec:
              region: us-east-1
              documentName: E2E-Alerts-Run
              alerts:
                events: [StartSession]
                runCommands:
                  - documentName: AWS-RunShellScript
                    roleArn: "{{CommandRole}}"
                    targets: [{key: InstanceIds, values: ["{{Instance}}"]}]
                    parameters:
                      commands: ["logger -t session-audit session started"]
                      executionTimeout: ["60"]
            """, ct: Ct);
        await World.WaitForConditionAsync("alerts-run", "AlertsReady", "True", "RuleReady", ct: Ct);

        var target = Assert.Single(await TargetsAsync("session-audit-alerts-run"))!;
        var input = JsonNode.Parse((string)target["Input"]!)!;
        Assert.Equal(["logger -t session-audit session started"], input["commands"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["60"], input["executionTimeout"]!.AsArray().Select(v => (string)v!));

        var tooMany = await World.ApplyAsync($$"""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: alerts-run
            spec:
              region: us-east-1
              documentName: E2E-Alerts-Run
              alerts:
                runCommands:
                  - documentName: AWS-RunShellScript
                    roleArn: "{{CommandRole}}"
                    targets: [{key: InstanceIds, values: ["{{Instance}}"]}, {key: "tag:Role", values: [web]}]
            """, check: false, ct: Ct);
        Assert.NotEqual(0, tooMany.ExitCode);
        Assert.Contains("targets", tooMany.StdErr, StringComparison.Ordinal);
    }
}
