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
    public void The_generic_policy_grants_every_action_once_on_any_resource_but_rules_topics_and_functions()
    {
        var statements = Statements(IamPolicyBuilder.Build());
        var actions = statements.SelectMany(s => s!["Action"]!.AsArray().Select(a => a!.GetValue<string>())).ToList();

        Assert.Equal(IamPolicyBuilder.Actions, actions.Order(StringComparer.Ordinal));
        var rules = statements.Single(s => s!["Action"]!.AsArray().Any(a => (string?)a == "events:PutRule"))!;
        Assert.Equal("arn:aws*:events:*:*:rule/session-audit-*", (string?)rules["Resource"]);
        // Topic and function permissions are written by the operator: even the generic policy keeps them to SNS topics
        // and Lambda functions of any partition.
        var scoped = new Dictionary<string, string>
        {
            ["sns:SetTopicAttributes"] = "arn:aws*:sns:*:*:*",
            ["lambda:AddPermission"] = "arn:aws*:lambda:*:*:function:*",
            // The report reads instance profiles only: no other IAM resource.
            ["iam:GetInstanceProfile"] = "arn:aws*:iam::*:instance-profile/*",
        };
        foreach (var s in statements.Where(s => s != rules))
        {
            var acts = s!["Action"]!.AsArray().Select(a => (string)a!).ToList();
            var expected = scoped.FirstOrDefault(p => acts.Contains(p.Key)).Value ?? "*";
            Assert.Equal(expected, s["Resource"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Instance_profile_reads_are_granted_only_where_a_policy_has_a_report_and_only_on_its_accounts_profiles()
    {
        var withReport = new SessionLoggingPolicySpec { Region = "eu-west-1", S3 = new() { BucketName = "logs" }, Report = new() };
        var without = new SessionLoggingPolicySpec { Region = "eu-west-1", S3 = new() { BucketName = "logs" } };

        var reporting = Statements(IamPolicyBuilder.Build([withReport], "111122223333", [], []));
        var iam = reporting.Single(s => s!["Action"]!.AsArray().Any(a => (string?)a == "iam:GetInstanceProfile"))!;
        Assert.Equal("arn:aws:iam::111122223333:instance-profile/*", (string?)iam["Resource"]!.AsArray().Single());
        Assert.Contains(reporting, s => s!["Action"]!.AsArray().Any(a => (string?)a == "ec2:DescribeIamInstanceProfileAssociations"));

        var silent = Statements(IamPolicyBuilder.Build([without], "111122223333", [], []));
        Assert.DoesNotContain(silent, s => s!["Action"]!.AsArray().Any(a => (string?)a is "iam:GetInstanceProfile" or "ec2:DescribeIamInstanceProfileAssociations"));
    }

    [Fact]
    public void CreateGrant_is_limited_to_the_two_operations_instance_roles_need_and_to_roles()
    {
        var grant = Statements(IamPolicyBuilder.Build()).Single(s => s!["Action"]!.AsArray().Any(a => (string?)a == "kms:CreateGrant"))!;

        Assert.Equal(["kms:CreateGrant"], grant["Action"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(["Decrypt", "GenerateDataKey"], grant["Condition"]!["ForAllValues:StringEquals"]!["kms:GrantOperations"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(["arn:aws*:iam::*:role/*"], grant["Condition"]!["StringLike"]!["kms:GranteePrincipal"]!.AsArray().Select(a => (string?)a));
    }

    [Fact]
    public void A_scoped_policy_uses_the_regions_partition_and_names_the_instance_roles_and_the_rule_prefix()
    {
        var spec = new SessionLoggingPolicySpec
        {
            Region = "cn-north-1",
            S3 = new S3LoggingSpec { BucketName = "logs-cn" },
            InstanceRoles = ["arn:aws-cn:iam::111122223333:role/ec2"],
            Kms = new KmsSpec { KeyId = "alias/sessions" },
            Alerts = new AlertsSpec { SnsTopicArns = ["arn:aws-cn:sns:cn-north-1:111122223333:alerts"] },
        };

        var statements = Statements(IamPolicyBuilder.Build([spec]));
        var json = statements.ToJsonString();

        Assert.DoesNotContain("\"arn:aws:", json, StringComparison.Ordinal);
        Assert.Contains("arn:aws-cn:s3:::logs-cn", json, StringComparison.Ordinal);
        Assert.Contains("arn:aws-cn:ssm:cn-north-1:*:document/SSM-SessionManagerRunShell", json, StringComparison.Ordinal);
        Assert.Contains("arn:aws-cn:events:cn-north-1:*:rule/session-audit-*", json, StringComparison.Ordinal);
        var grant = statements.Single(s => s!["Action"]!.AsArray().Any(a => (string?)a == "kms:CreateGrant"))!;
        // The session key's alias scopes to the region's keys; the bucket's SSE-KMS key is only known from the bucket.
        Assert.Equal(["arn:aws-cn:kms:*:*:key/*", "arn:aws-cn:kms:cn-north-1:*:key/*"], grant["Resource"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(["arn:aws-cn:iam::111122223333:role/ec2"], grant["Condition"]!["StringLike"]!["kms:GranteePrincipal"]!.AsArray().Select(a => (string?)a));
    }

    [Theory]
    [InlineData("us-east-1", "aws")]
    [InlineData("cn-northwest-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    [InlineData("us-iso-east-1", "aws-iso")]
    [InlineData("us-isob-east-1", "aws-iso-b")]
    [InlineData("eu-isoe-west-1", "aws-iso-e")]
    [InlineData("us-isof-south-1", "aws-iso-f")]
    public void Every_region_has_its_partition(string region, string partition) =>
        Assert.Equal(partition, Arn.PartitionOf(region));

    [Fact]
    public void A_scoped_policy_names_the_document_bucket_and_topic_of_the_spec_in_the_account_given()
    {
        var spec = new SessionLoggingPolicySpec
        {
            Region = "eu-west-1",
            S3 = new S3LoggingSpec { BucketName = "logs-bucket" },
            Alerts = new AlertsSpec { SnsTopicArns = ["arn:aws:sns:eu-west-1:444455556666:alerts"] },
        };

        var json = IamPolicyBuilder.Build([spec], "444455556666", [], []);

        Assert.Contains("arn:aws:ssm:eu-west-1:444455556666:document/SSM-SessionManagerRunShell", json, StringComparison.Ordinal);
        Assert.Contains("arn:aws:events:eu-west-1:444455556666:rule/session-audit-*", json, StringComparison.Ordinal);
        Assert.Contains("arn:aws:s3:::logs-bucket", json, StringComparison.Ordinal);
        Assert.Contains("arn:aws:sns:eu-west-1:444455556666:alerts", json, StringComparison.Ordinal);
        // No role to assume, no instance role to grant to, no Lambda function named: none of those permissions.
        Assert.DoesNotContain("sts:", json, StringComparison.Ordinal);
        Assert.DoesNotContain("kms:CreateGrant", json, StringComparison.Ordinal);
        Assert.DoesNotContain("lambda:GetFunction", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Buckets_with_an_expected_owner_are_granted_only_in_that_account()
    {
        var owned = new SessionLoggingPolicySpec
        {
            Region = "eu-west-1",
            S3 = new S3LoggingSpec { BucketName = "logs-bucket", ExpectedBucketOwner = "999988887777" },
        };
        var unowned = owned with { S3 = new S3LoggingSpec { BucketName = "other-logs" } };

        var checks = Statements(IamPolicyBuilder.Build([owned])).Single(s => (string?)s!["Sid"] == "S3LogBucketChecks")!;
        Assert.Equal(["999988887777"], checks["Condition"]!["StringEquals"]!["aws:ResourceAccount"]!.AsArray().Select(a => (string?)a));

        // One bucket that may be in any account: the statement cannot require an owner.
        var mixed = Statements(IamPolicyBuilder.Build([owned, unowned])).Single(s => (string?)s!["Sid"] == "S3LogBucketChecks")!;
        Assert.Null(mixed["Condition"]);
    }

    [Fact]
    public void TagSession_is_no_action_of_the_generic_policy()
    {
        Assert.DoesNotContain("sts:TagSession", IamPolicyBuilder.Actions);
        Assert.DoesNotContain("sts:TagSession", IamPolicyBuilder.Build(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_checked_in_policy_is_the_generic_policy()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SessionAuditOperator.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        Assert.Equal(File.ReadAllText(Path.Combine(dir.FullName, "deploy", "iam", "policy.json")), IamPolicyBuilder.Build());
    }
}
