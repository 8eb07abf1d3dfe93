using System.Text.Json.Nodes;
using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>deploy/iam/policy.json: a plain, least-privilege IAM policy whose actions are real AWS permissions.</summary>
public sealed class IamPolicyTests
{
    private static readonly string PolicyPath = RepoPaths.In("deploy", "iam", "policy.json");

    // IAM action prefix -> botocore service folder.
    private static readonly Dictionary<string, string> Services = new()
    {
        ["ssm"] = "ssm",
        ["s3"] = "s3",
        ["kms"] = "kms",
        ["logs"] = "logs",
        ["events"] = "events",
        ["cloudtrail"] = "cloudtrail",
        ["sns"] = "sns",
        ["lambda"] = "lambda",
        ["codepipeline"] = "codepipeline",
        ["sts"] = "sts",
        ["ec2"] = "ec2",
        ["iam"] = "iam",
    };

    // S3 permissions that are not named after the API operation they authorise.
    private static readonly Dictionary<string, string> S3PermissionToOperation = new()
    {
        ["ListBucket"] = "HeadBucket",
        ["GetEncryptionConfiguration"] = "GetBucketEncryption",
        ["PutObject"] = "PutObject",
    };

    [Fact]
    public void Policy_has_one_statement_per_service_each_with_a_sid_but_CreateGrant_under_its_own_conditions()
    {
        var statements = Statements();
        Assert.Equal("2012-10-17", (string?)Document()["Version"]);
        Assert.All(statements, s =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)s["Sid"]));
            Assert.Equal("Allow", (string?)s["Effect"]);
            Assert.IsType<JsonArray>(s["Action"]);
        });
        Assert.Equal(statements.Count, statements.Select(s => (string?)s["Sid"]).Distinct().Count());

        // kms:CreateGrant stands alone: its conditions (operations, grantee) must not narrow the other KMS actions; so
        // does iam:PassRole, whose iam:PassedToService must not narrow iam:GetInstanceProfile.
        var unconditioned = statements.Where(s => s["Condition"] is null || !(Actions(s).Contains("kms:CreateGrant") || Actions(s).Contains("iam:PassRole"))).ToList();
        var prefixes = unconditioned.Select(s => Actions(s).Select(a => a.Split(':')[0]).Distinct().Single()).ToList();
        Assert.Equal(prefixes.Count, prefixes.Distinct().Count());
        Assert.Equal(["kms:CreateGrant"], Actions(statements.Single(s => Actions(s).Contains("kms:CreateGrant"))));
    }

    [Fact]
    public void Policy_grants_no_wildcard_actions_and_no_duplicates()
    {
        var actions = Statements().SelectMany(Actions).ToList();
        Assert.DoesNotContain(actions, a => a.Contains('*', StringComparison.Ordinal));
        Assert.Equal(actions.Count, actions.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Every_action_is_an_operation_of_its_service_in_the_botocore_models()
    {
        var data = Environment.GetEnvironmentVariable("SESSION_AUDIT_BOTOCORE_DATA") is { Length: > 0 } fromEnv
            ? fromEnv
            : "/usr/lib/python3/dist-packages/botocore/data";
        Assert.True(Directory.Exists(data), $"{data} is missing: install python3-botocore (scripts/tools.sh)");

        foreach (var action in Statements().SelectMany(Actions))
        {
            var (prefix, name) = (action.Split(':')[0], action.Split(':')[1]);
            if (action == "iam:PassRole")
            {
                Assert.Equal("PassRole", name); // a permission with no API operation of its own
                continue;
            }

            Assert.True(Services.TryGetValue(prefix, out var service), $"{action}: unknown service prefix {prefix}");
            var operation = prefix == "s3"
                ? S3PermissionToOperation.GetValueOrDefault(name) ?? throw new Xunit.Sdk.XunitException($"{action}: add the S3 operation it authorises to this test")
                : name;
            var model = Directory.GetDirectories(Path.Combine(data, service)).Order(StringComparer.Ordinal).Last();
            var operations = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "service-2.json")))!["operations"]!.AsObject();
            Assert.True(operations.ContainsKey(operation), $"{action}: {service} has no operation {operation}");
        }
    }

    [Fact]
    public void PassRole_is_limited_to_EventBridge()
    {
        var statement = Statements().Single(s => Actions(s).Contains("iam:PassRole"));
        Assert.Equal("events.amazonaws.com", (string?)statement.At("Condition.StringEquals")!["iam:PassedToService"]);
    }

    [Fact]
    public void Policy_covers_what_the_reconciler_and_report_need()
    {
        var actions = Statements().SelectMany(Actions).ToHashSet();
        string[] needed =
        [
            "ssm:GetDocument", "ssm:ListDocumentVersions", "ssm:DeleteDocument", "ssm:CreateDocument", "ssm:UpdateDocument", "ssm:UpdateDocumentDefaultVersion",
            "ssm:DescribeSessions", "ssm:DescribeInstanceInformation",
            "s3:ListBucket", "s3:GetEncryptionConfiguration", "s3:PutObject",
            "kms:DescribeKey", "kms:ListGrants", "kms:CreateGrant", "kms:RevokeGrant",
            "logs:DescribeLogGroups",
            "events:PutRule", "events:DescribeRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule",
            "iam:PassRole", "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
            "sns:GetTopicAttributes", "lambda:GetFunction", "codepipeline:GetPipeline", "sts:AssumeRole",
            "ec2:DescribeIamInstanceProfileAssociations", "iam:GetInstanceProfile",
        ];
        Assert.Empty(needed.Except(actions));
    }

    private static JsonObject Document() => JsonNode.Parse(File.ReadAllText(PolicyPath))!.AsObject();

    private static List<JsonObject> Statements() => Document()["Statement"]!.AsArray().Cast<JsonObject>().ToList();

    private static IEnumerable<string> Actions(JsonObject statement) => statement["Action"]!.AsArray().Select(a => (string)a!);
}
