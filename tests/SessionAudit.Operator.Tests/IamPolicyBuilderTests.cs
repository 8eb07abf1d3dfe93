using System.Text.Json.Nodes;
using SessionAudit.Operator.Iam;
using SessionAudit.Policy.Model;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>The IAM policy grants exactly the operator's actions, and scoped to a policy names only its ARNs.</summary>
public sealed class IamPolicyBuilderTests
{
    private static JsonArray Statements(string json) => JsonNode.Parse(json)!["Statement"]!.AsArray();

    [Fact]
    public void The_generic_policy_grants_every_action_once_on_any_resource()
    {
        var statements = Statements(IamPolicyBuilder.Build());
        var actions = statements.SelectMany(s => s!["Action"]!.AsArray().Select(a => a!.GetValue<string>())).ToList();

        Assert.Equal(IamPolicyBuilder.Actions, actions.Order(StringComparer.Ordinal));
        Assert.All(statements, s => Assert.Equal("*", s!["Resource"]!.GetValue<string>()));
    }

    [Fact]
    public void A_scoped_policy_names_the_document_bucket_topic_and_role_of_the_spec()
    {
        var spec = new SessionLoggingPolicySpec
        {
            Region = "eu-west-1",
            RoleArn = "arn:aws:iam::444455556666:role/session-audit",
            S3 = new S3LoggingSpec { BucketName = "logs-bucket" },
            Alerts = new AlertsSpec { SnsTopicArns = ["arn:aws:sns:eu-west-1:444455556666:alerts"] },
        };

        var json = IamPolicyBuilder.Build([spec]);

        Assert.Contains("arn:aws:ssm:eu-west-1:444455556666:document/SSM-SessionManagerRunShell", json, StringComparison.Ordinal);
        Assert.Contains("arn:aws:s3:::logs-bucket", json, StringComparison.Ordinal);
        Assert.Contains("arn:aws:sns:eu-west-1:444455556666:alerts", json, StringComparison.Ordinal);
        Assert.Contains("arn:aws:iam::444455556666:role/session-audit", json, StringComparison.Ordinal);
        // No Lambda function named: no Lambda permission at all.
        Assert.DoesNotContain("lambda:GetFunction", json, StringComparison.Ordinal);
    }
}
