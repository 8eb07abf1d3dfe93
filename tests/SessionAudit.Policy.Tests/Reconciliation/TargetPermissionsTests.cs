using System.Text.Json.Nodes;
using SessionAudit.Policy.Planning;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

/// <summary>The pure rules of EventBridge's permission: what a resource policy allows and how the operator's statement is merged.</summary>
public sealed class TargetPermissionsTests
{
    private const string Topic = "arn:aws:sns:us-east-1:111122223333:alerts";
    private const string RuleArn = "arn:aws:events:us-east-1:111122223333:rule/session-audit-prod";

    private static bool Allows(string statement) =>
        TargetPermissions.Allows($$"""{"Statement":[{{statement}}]}""", "sns:Publish", [Topic], RuleArn, "111122223333");

    [Fact]
    public void The_default_owner_only_topic_policy_does_not_allow_EventBridge() =>
        Assert.False(TargetPermissions.Allows(Fakes.FakeAws.DefaultTopicPolicy(Topic), "sns:Publish", [Topic], RuleArn, "111122223333"));

    [Theory]
    [InlineData("""{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:111122223333:alerts"}""", true)]
    [InlineData("""{"Effect":"Allow","Principal":"*","Action":"SNS:*","Resource":"*"}""", true)]
    [InlineData("""{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:111122223333:rule/session-audit-*"}}}""", true)]
    [InlineData("""{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:events:us-east-1:111122223333:rule/other"}}}""", false)]
    [InlineData("""{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"}}}""", false)]
    [InlineData("""{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1234567890"}}}""", false)]
    [InlineData("""{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sns:Publish"}""", false)]
    [InlineData("""{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Subscribe"}""", false)]
    [InlineData("""{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:111122223333:other"}""", false)]
    public void A_statement_allows_EventBridge_only_when_principal_action_resource_and_conditions_fit(string statement, bool allowed) =>
        Assert.Equal(allowed, Allows(statement));

    [Fact]
    public void A_matching_Deny_wins() =>
        Assert.False(Allows("""{"Effect":"Allow","Principal":"*","Action":"*"},{"Effect":"Deny","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish"}"""));

    [Theory]
    [InlineData("""{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sns:Publish"}""")]
    [InlineData("""{"Effect":"Deny","Principal":"*","NotAction":"sns:Subscribe"}""")]
    [InlineData("""{"Effect":"Deny","Principal":"*","Action":"sns:Publish","NotResource":"arn:aws:sns:us-east-1:111122223333:other"}""")]
    [InlineData("""{"Effect":"Deny","Principal":"*","Action":"sns:Publish","Condition":{"StringNotEquals":{"aws:SourceAccount":"444455556666"}}}""")]
    [InlineData("""{"Effect":"Deny","Principal":"*","Action":"sns:Publish","Condition":{"Bool":{"aws:SecureTransport":"false"}}}""")]
    public void A_Deny_by_NotPrincipal_NotAction_NotResource_a_negated_or_an_unmodelled_condition_is_taken_to_apply(string deny) =>
        Assert.False(Allows("""{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish"},""" + deny));

    [Fact]
    public void A_Deny_whose_negated_condition_excludes_the_rule_does_not_apply() =>
        Assert.True(Allows("""{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish"},{"Effect":"Deny","Principal":"*","Action":"sns:Publish","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}"""));

    [Fact]
    public void Merging_keeps_the_other_statements_text_replaces_a_stale_own_statement_and_removal_restores_the_rest()
    {
        const string other = """{ "Sid" : "mine",  "Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sns:Publish" }""";
        var original = $$"""{"Version": "2012-10-17", "Id":"x", "Statement": [ {{other}} , {"Sid":"session-audit-prod","Effect":"Deny"} ] }""";
        var ours = TargetPermissions.TopicStatement("session-audit-prod", Topic, RuleArn);

        var merged = TargetPermissions.WithStatement(original, "session-audit-prod", ours);

        Assert.Equal("""{"Version": "2012-10-17", "Id":"x", "Statement": [""" + other + "," + ours + "] }", merged);
        Assert.True(TargetPermissions.Allows(merged, "sns:Publish", [Topic], RuleArn, "111122223333"));
        Assert.Equal("""{"Version": "2012-10-17", "Id":"x", "Statement": [""" + other + "] }", TargetPermissions.WithoutStatement(merged, "session-audit-prod"));
        Assert.Null(TargetPermissions.WithoutStatement(TargetPermissions.WithoutStatement(merged, "session-audit-prod"), "session-audit-prod"));
    }

    [Fact]
    public void A_single_statement_object_becomes_an_array_and_no_policy_becomes_one_holding_only_ours()
    {
        var ours = TargetPermissions.TopicStatement("session-audit-prod", Topic, RuleArn);
        var single = TargetPermissions.WithStatement("""{"Statement":{"Sid":"a","Effect":"Allow"}}""", "session-audit-prod", ours);
        Assert.Equal("""{"Statement":[{"Sid":"a","Effect":"Allow"},""" + ours + "]}", single);
        var fresh = JsonNode.Parse(TargetPermissions.WithStatement(null, "session-audit-prod", ours))!;
        Assert.Equal("2012-10-17", (string?)fresh["Version"]);
        Assert.Single(fresh["Statement"]!.AsArray());
    }
}
