using System.Text.Json.Nodes;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

/// <summary>EventBridge's permission on SNS and Lambda targets: read every pass, the operator's one statement per target
/// merged in (managePermissions) or reported, removed with the target or the policy; what no statement fixes is reported.</summary>
public sealed class DeliveryPermissionTests
{
    private const string Rule = "session-audit-prod";
    private const string RuleArn = "arn:aws:events:us-east-1:111122223333:rule/" + Rule;

    // The default topic policy as a person's tool wrote it: spacing and key order are theirs and must survive.
    private static readonly string HandWritten = FakeAws.DefaultTopicPolicy(Scenario.Topic).Replace("\"Statement\":[", "\"Statement\" : [\n  ", StringComparison.Ordinal);

    private static Scenario AsAwsMakesThem(Func<SessionLoggingPolicySpec, SessionLoggingPolicySpec>? edit = null)
    {
        var s = new Scenario(edit);
        s.Aws.TargetPolicies[Scenario.Topic] = HandWritten;
        s.Aws.TargetPolicies[Scenario.Function] = null;
        return s;
    }

    private static List<string> Writes(FakeAws aws) => aws.Calls.Where(c => c.StartsWith("write:", StringComparison.Ordinal)).ToList();

    private static JsonArray Statements(string? policy) => JsonNode.Parse(policy!)!["Statement"]!.AsArray();

    [Fact]
    public async Task The_operators_statement_is_merged_into_the_topic_policy_before_the_target_is_put_and_the_others_keep_their_bytes()
    {
        var s = AsAwsMakesThem();

        await s.RunAsync();

        var policy = s.Aws.TargetPolicies[Scenario.Topic]!;
        var original = JsonNode.Parse(HandWritten)!["Statement"]![0]!.ToJsonString();
        Assert.Contains(HandWritten[..HandWritten.IndexOf("\"Statement\"", StringComparison.Ordinal)], policy, StringComparison.Ordinal);
        Assert.Contains(HandWritten.Substring(HandWritten.IndexOf("{\"Sid\"", StringComparison.Ordinal), original.Length), policy, StringComparison.Ordinal);
        var ours = Statements(policy).Single(x => (string?)x!["Sid"] == Rule)!;
        Assert.Equal(TargetPermissions.EventsPrincipal, (string?)ours["Principal"]!["Service"]);
        Assert.Equal("sns:Publish", (string?)ours["Action"]);
        Assert.Equal(Scenario.Topic, (string?)ours["Resource"]);
        Assert.Equal(RuleArn, (string?)ours["Condition"]!["ArnEquals"]!["aws:SourceArn"]);
        var writes = Writes(s.Aws);
        Assert.True(writes.IndexOf("write:SetTopicAttributes") < writes.IndexOf("write:PutTargets"), string.Join(", ", writes));
        Assert.Equal("True", s.Condition(ConditionTypes.AlertsReady).Status);

        s.Aws.ResetCalls();
        await s.RunAsync();
        Assert.Empty(Writes(s.Aws));
        Assert.Contains("read:GetTopicAttributes", s.Aws.Calls);
    }

    [Fact]
    public async Task A_Lambda_target_gets_one_AddPermission_for_the_rule_and_none_once_it_holds()
    {
        var s = AsAwsMakesThem();

        await s.RunAsync();

        Assert.Single(Writes(s.Aws), "write:AddPermission");
        var ours = Assert.Single(Statements(s.Aws.TargetPolicies[Scenario.Function]))!;
        Assert.Equal(Rule, (string?)ours["Sid"]);
        Assert.Equal(RuleArn, (string?)ours["Condition"]!["ArnLike"]!["AWS:SourceArn"]);
        s.Aws.ResetCalls();
        await s.RunAsync();
        Assert.Empty(Writes(s.Aws));
    }

    [Fact]
    public async Task With_managePermissions_false_nothing_is_added_and_AlertsReady_names_events_amazonaws_com_and_the_statement()
    {
        var s = AsAwsMakesThem(spec => spec with { Alerts = spec.Alerts! with { ManagePermissions = false } });

        await s.RunAsync();

        Assert.DoesNotContain(s.Aws.Calls, c => c is "write:SetTopicAttributes" or "write:AddPermission");
        var c = s.Condition(ConditionTypes.AlertsReady);
        Assert.Equal(("False", "DeliveryNotAllowed"), (c.Status, c.Reason));
        Assert.Contains("events.amazonaws.com", c.Message, StringComparison.Ordinal);
        Assert.Contains(TargetPermissions.TopicStatement(Rule, Scenario.Topic, RuleArn), c.Message, StringComparison.Ordinal);
        Assert.Contains(TargetPermissions.LambdaCommand(Rule, Scenario.Function, RuleArn), c.Message, StringComparison.Ordinal);
        Assert.Equal(HandWritten, s.Aws.TargetPolicies[Scenario.Topic]);
    }

    [Fact]
    public async Task A_statement_the_user_added_for_the_rule_is_enough_and_nothing_is_written()
    {
        var s = AsAwsMakesThem(spec => spec with { Alerts = spec.Alerts! with { ManagePermissions = false, LambdaFunctionArns = null } });
        var policy = JsonNode.Parse(HandWritten)!;
        policy["Statement"]!.AsArray().Add(JsonNode.Parse($$$$"""{"Effect":"Allow","Principal":{"Service":["events.amazonaws.com"]},"Action":["sns:Publish"],"Resource":"{{{{Scenario.Topic}}}}","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"""));
        s.Aws.TargetPolicies[Scenario.Topic] = policy.ToJsonString();

        await s.RunAsync();

        Assert.DoesNotContain("write:SetTopicAttributes", s.Aws.Calls);
        Assert.Equal("True", s.Condition(ConditionTypes.AlertsReady).Status);
    }

    [Fact]
    public async Task A_Deny_of_someone_elses_is_reported_and_not_fought_with_a_write_every_pass()
    {
        var s = AsAwsMakesThem(spec => spec with { Alerts = spec.Alerts! with { LambdaFunctionArns = null } });
        var policy = JsonNode.Parse(HandWritten)!;
        policy["Statement"]!.AsArray().Add(JsonNode.Parse("""{"Sid":"no-services","Effect":"Deny","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:*"}"""));
        s.Aws.TargetPolicies[Scenario.Topic] = policy.ToJsonString();

        await s.RunAsync();

        Assert.DoesNotContain("write:SetTopicAttributes", s.Aws.Calls);
        var c = s.Condition(ConditionTypes.AlertsReady);
        Assert.Equal(("False", "DeliveryNotAllowed"), (c.Status, c.Reason));
        Assert.Contains("denies", c.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aws/sns")]
    [InlineData("fifo")]
    public async Task A_topic_encrypted_with_aws_sns_or_a_FIFO_topic_is_reported_whatever_its_policy(string why)
    {
        var s = AsAwsMakesThem();
        if (why == "fifo")
        {
            s.Aws.FifoTopics.Add(Scenario.Topic);
        }
        else
        {
            s.Aws.TopicKeys[Scenario.Topic] = "alias/aws/sns";
        }

        await s.RunAsync();

        var c = s.Condition(ConditionTypes.AlertsReady);
        Assert.Equal(("False", "TargetCannotReceive"), (c.Status, c.Reason));
        Assert.Contains(Scenario.Topic, c.Message, StringComparison.Ordinal);
        Assert.Equal("True", s.Condition(ConditionTypes.Stalled).Status);
    }

    [Fact]
    public async Task A_topic_encrypted_with_a_customer_managed_key_is_given_the_statement_but_never_promised_ready()
    {
        var s = AsAwsMakesThem();
        s.Aws.TopicKeys[Scenario.Topic] = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

        await s.RunAsync();

        var c = s.Condition(ConditionTypes.AlertsReady);
        Assert.Equal(("False", "KeyPolicyNotVerified"), (c.Status, c.Reason));
        Assert.Contains("events.amazonaws.com", c.Message, StringComparison.Ordinal);
        Assert.True(TargetPermissions.HasStatement(s.Aws.TargetPolicies[Scenario.Topic], Rule));
    }

    [Fact]
    public async Task A_target_deleted_after_it_was_put_is_noticed_at_the_next_pass()
    {
        var s = AsAwsMakesThem();
        await s.RunAsync();
        Assert.Equal("True", s.Condition(ConditionTypes.AlertsReady).Status);
        s.Aws.ExistingTargets.Remove(Scenario.Topic);

        await s.RunAsync();

        var c = s.Condition(ConditionTypes.AlertsReady);
        Assert.Equal(("False", "TargetNotFound"), (c.Status, c.Reason));
        Assert.Contains(Scenario.Topic, c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_permission_the_operator_may_not_add_gives_AlertsReady_False_with_the_statement_to_add()
    {
        var s = AsAwsMakesThem(spec => spec with { Alerts = spec.Alerts! with { LambdaFunctionArns = null } });
        s.Aws.FailOn["SetTopicAttributes"] = new AwsFailure(AwsFailureKind.AccessDenied, "AuthorizationError", "not authorized to perform SNS:SetTopicAttributes");

        await s.RunAsync();

        var c = s.Condition(ConditionTypes.AlertsReady);
        Assert.Equal(("False", "DeliveryNotAllowed"), (c.Status, c.Reason));
        Assert.Contains("events.amazonaws.com", c.Message, StringComparison.Ordinal);
        Assert.Contains(TargetPermissions.TopicStatement(Rule, Scenario.Topic, RuleArn), c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_removed_from_the_spec_loses_the_operators_statement_and_keeps_the_others()
    {
        var s = AsAwsMakesThem();
        await s.RunAsync();
        s.Spec = s.Spec with { Alerts = s.Spec.Alerts! with { SnsTopicArns = null, LambdaFunctionArns = null } };

        await s.RunAsync();

        Assert.Equal(JsonNode.Parse(HandWritten)!["Statement"]!.ToJsonString(), Statements(s.Aws.TargetPolicies[Scenario.Topic]).ToJsonString());
        Assert.Null(s.Aws.TargetPolicies[Scenario.Function]);
    }

    [Fact]
    public async Task Deleting_the_policy_plans_with_reads_then_removes_its_statements_in_Enforce()
    {
        var s = AsAwsMakesThem(spec => spec with { DeletionPolicy = DeletionPolicy.Delete });
        await s.RunAsync();
        s.Policy = s.Policy with { Metadata = s.Policy.Metadata with { DeletionRequested = true } };

        s.Aws.ResetCalls();
        var planned = await s.RunAsync(ReconcileMode.DryRun);
        Assert.Empty(Writes(s.Aws));
        Assert.Contains(planned.Plan.Changes, c => c.Concern == "permission" && c.Action == ChangeAction.Delete && c.Current == Scenario.Topic);

        await s.RunAsync();

        Assert.Equal(JsonNode.Parse(HandWritten)!["Statement"]!.ToJsonString(), Statements(s.Aws.TargetPolicies[Scenario.Topic]).ToJsonString());
        Assert.Null(s.Aws.TargetPolicies[Scenario.Function]);
        Assert.Empty(s.Aws.Rules);
    }

    [Fact]
    public async Task Run_Command_parameters_become_the_targets_Input_and_a_change_is_put_again()
    {
        var s = new Scenario(spec => spec with
        {
            Alerts = new AlertsSpec
            {
                RunCommands = [new RunCommandTargetSpec
                {
                    DocumentName = "AWS-RunShellScript",
                    RoleArn = Scenario.EventsRole,
                    Targets = [new RunCommandInstanceTargetSpec { Key = "InstanceIds", Values = ["i-0123456789abcdef0"] }],
                    Parameters = new Dictionary<string, IReadOnlyList<string>> { ["commands"] = ["logger session started"], ["executionTimeout"] = ["60"] },
                }],
            },
        });

        await s.RunAsync();

        var target = Assert.Single(s.Aws.RuleTargets[Rule]);
        Assert.Equal("""{"commands":["logger session started"],"executionTimeout":["60"]}""", target.Input);
        s.Aws.ResetCalls();
        await s.RunAsync();
        Assert.Empty(Writes(s.Aws));

        var run = s.Spec.Alerts!.RunCommands![0];
        s.Spec = s.Spec with { Alerts = s.Spec.Alerts with { RunCommands = [run with { Parameters = new Dictionary<string, IReadOnlyList<string>> { ["commands"] = ["uptime"] } }] } };
        s.Aws.ResetCalls();
        await s.RunAsync();
        Assert.Equal(["write:PutTargets"], Writes(s.Aws));
        Assert.Equal("""{"commands":["uptime"]}""", Assert.Single(s.Aws.RuleTargets[Rule]).Input);
    }
}
