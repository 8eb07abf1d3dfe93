using System.Text.Json.Nodes;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

public sealed class AlertTests
{
    private const string Rule = "session-audit-prod";

    [Fact]
    public async Task S7_S8_rule_matches_the_chosen_events_with_every_target_and_roles_where_needed()
    {
        var s = new Scenario();
        var result = await s.RunAsync();

        var rule = s.Aws.Rules[Rule];
        var pattern = JsonNode.Parse(rule.EventPattern!)!;
        Assert.Equal("aws.ssm", pattern["source"]![0]!.GetValue<string>());
        Assert.Equal("AWS API Call via CloudTrail", pattern["detail-type"]![0]!.GetValue<string>());
        Assert.Equal("ssm.amazonaws.com", pattern["detail"]!["eventSource"]![0]!.GetValue<string>());
        Assert.Equal(["StartSession", "TerminateSession"], pattern["detail"]!["eventName"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("ENABLED", rule.State);
        Assert.True(ResourceNames.IsOwnedRule(rule.Description, "prod"));
        Assert.Equal(rule.Arn, result.Status.RuleArn);

        var targets = s.Aws.RuleTargets[Rule];
        Assert.Equal(4, targets.Count);
        Assert.Null(targets.Single(t => t.Arn == Scenario.Topic).RoleArn);
        Assert.Null(targets.Single(t => t.Arn == Scenario.Function).RoleArn);
        Assert.Equal(Scenario.EventsRole, targets.Single(t => t.Arn == Scenario.Pipeline).RoleArn);
        var run = targets.Single(t => t.Arn == "arn:aws:ssm:us-east-1::document/AWS-RunShellScript");
        Assert.Equal(Scenario.EventsRole, run.RoleArn);
        Assert.Equal("InstanceIds", Assert.Single(run.RunCommandTargets!).Key);
        Assert.All(targets, t => Assert.Matches("^sa-[a-z]+-[0-9a-f]{16}$", t.Id));
        Assert.Equal("True", s.Condition(ConditionTypes.AlertsReady).Status);
    }

    [Fact]
    public async Task Only_the_difference_in_targets_is_added_or_removed()
    {
        var s = new Scenario();
        await s.RunAsync();
        s.Spec = s.Spec with { Alerts = s.Spec.Alerts! with { LambdaFunctionArns = null, SnsTopicArns = [Scenario.Topic, "arn:aws:sns:us-east-1:111122223333:second"] } };
        s.Aws.ExistingTargets.Add("arn:aws:sns:us-east-1:111122223333:second");
        s.Aws.ResetCalls();

        await s.RunAsync();

        Assert.Equal(["write:RemoveTargets", "write:PutTargets"], s.Aws.Calls.Where(c => c.StartsWith("write:", StringComparison.Ordinal)));
        Assert.DoesNotContain(s.Aws.RuleTargets[Rule], t => t.Arn == Scenario.Function);
        Assert.Contains(s.Aws.RuleTargets[Rule], t => t.Arn.EndsWith(":second", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Targets_the_operator_did_not_create_are_never_touched()
    {
        var s = new Scenario(spec => spec with { Alerts = spec.Alerts! with { LambdaFunctionArns = null, RunCommands = null } });
        await s.RunAsync();
        s.Aws.RuleTargets[Rule].Add(new EventTarget("manual", "arn:aws:sqs:us-east-1:111122223333:q"));
        s.Aws.ResetCalls();

        await s.RunAsync();

        Assert.Equal(0, s.Aws.Writes);
        Assert.Contains(s.Aws.RuleTargets[Rule], t => t.Id == "manual");
    }

    [Fact]
    public async Task A_rule_with_our_name_but_not_ours_is_left_alone_and_reported()
    {
        var s = new Scenario();
        s.Aws.Rules[Rule] = new EventRuleInfo(Rule, "arn:aws:events:us-east-1:111122223333:rule/" + Rule, "{}", "ENABLED", "someone else's");

        await s.RunAsync();

        Assert.DoesNotContain(s.Aws.Calls, c => c is "write:PutRule" or "write:PutTargets");
        Assert.Equal("RuleNotOwned", s.Condition(ConditionTypes.AlertsReady).Reason);
        Assert.Equal("True", s.Condition(ConditionTypes.Stalled).Status);
    }

    [Fact]
    public async Task Missing_target_is_not_added_and_the_condition_names_it()
    {
        var s = new Scenario();
        s.Aws.ExistingTargets.Remove(Scenario.Function);

        await s.RunAsync();

        Assert.DoesNotContain(s.Aws.RuleTargets[Rule], t => t.Arn == Scenario.Function);
        Assert.Equal(3, s.Aws.RuleTargets[Rule].Count);
        var c = s.Condition(ConditionTypes.AlertsReady);
        Assert.Equal(("False", "TargetNotFound"), (c.Status, c.Reason));
        Assert.Contains(Scenario.Function, c.Message);
    }

    [Fact]
    public async Task Changed_pattern_out_of_band_is_restored()
    {
        var s = new Scenario();
        await s.RunAsync();
        s.Aws.Rules[Rule] = s.Aws.Rules[Rule] with { EventPattern = """{"source":["aws.ec2"]}""", State = "DISABLED" };

        var result = await s.RunAsync();

        Assert.Contains("rule.eventPattern", result.Status.Drift!);
        Assert.Contains("rule.state", result.Status.Drift!);
        Assert.Equal("ENABLED", s.Aws.Rules[Rule].State);
        Assert.True(AlertRuleDesign.SamePattern(AlertRuleDesign.Pattern(s.Spec.Alerts!), s.Aws.Rules[Rule].EventPattern));
    }

    [Fact]
    public async Task Removing_alerts_from_the_spec_removes_the_rule_it_created()
    {
        var s = new Scenario();
        await s.RunAsync();
        s.Spec = s.Spec with { Alerts = null };

        var result = await s.RunAsync();

        Assert.Empty(s.Aws.Rules);
        Assert.Null(result.Status.RuleArn);
    }

    [Fact]
    public async Task Customer_run_command_document_gets_the_account_in_its_ARN()
    {
        var s = new Scenario(spec => spec with
        {
            Alerts = new AlertsSpec
            {
                RunCommands = [new RunCommandTargetSpec { DocumentName = "Acme-Collect", RoleArn = Scenario.EventsRole, Targets = [new RunCommandInstanceTargetSpec { Key = "tag:Audit", Values = ["yes"] }] }],
            },
        });
        s.Accounts = [Scenario.Permissive with { Spec = Scenario.Permissive.Spec with { Guardrails = Scenario.Permissive.Spec.Guardrails! with { AllowedRunCommandDocuments = ["Acme-Collect"] } } }];

        await s.RunAsync();

        Assert.Equal("arn:aws:ssm:us-east-1:111122223333:document/Acme-Collect", Assert.Single(s.Aws.RuleTargets[Rule]).Arn);
        var pattern = JsonNode.Parse(s.Aws.Rules[Rule].EventPattern!)!;
        Assert.Equal(3, pattern["detail"]!["eventName"]!.AsArray().Count);
    }
}
