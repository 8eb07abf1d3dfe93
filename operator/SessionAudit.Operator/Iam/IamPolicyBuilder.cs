using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;

namespace SessionAudit.Operator.Iam;

/// <summary>
/// The least-privilege IAM policy the operator needs: every action it calls and nothing else, either for any
/// resource (deploy/iam/policy.json) or scoped to the ARNs a set of policies names.
/// </summary>
public static class IamPolicyBuilder
{
    /// <summary>One statement: a Sid, the actions, and what to scope them to given the policies (null: any resource).
    /// Unscoped, statements of one service share <see cref="Group"/> as their Sid and become one statement.</summary>
    private sealed record Statement(string Sid, string[] Actions, Func<IReadOnlyList<SessionLoggingPolicySpec>, IEnumerable<string>>? Scope, string? Group = null, Func<JsonObject>? Condition = null);

    private static readonly Statement[] Statements =
    [
        new("SessionManagerPreferences",
            ["ssm:CreateDocument", "ssm:DeleteDocument", "ssm:GetDocument", "ssm:ListDocumentVersions", "ssm:UpdateDocument", "ssm:UpdateDocumentDefaultVersion"],
            specs => specs.Select(s => $"arn:aws:ssm:{s.Region}:{Account(s)}:document/{s.DocumentName}"),
            "SessionManagerPreferencesAndReport"),
        new("SessionActivityReport",
            ["ssm:DescribeInstanceInformation", "ssm:DescribeSessions"],
            null,
            "SessionManagerPreferencesAndReport"),
        new("S3LogBucketChecks",
            ["s3:GetEncryptionConfiguration", "s3:ListBucket"],
            specs => specs.Select(s => s.S3?.BucketName).OfType<string>().Where(b => b.Length > 0).Select(b => $"arn:aws:s3:::{b}"),
            "S3LogBucketChecksAndReportExport"),
        new("S3ReportExport",
            ["s3:PutObject"],
            specs => specs.Select(s => s.Report?.S3).OfType<ReportS3Spec>().Select(r => $"arn:aws:s3:::{r.BucketName}/{r.KeyPrefix}*"),
            "S3LogBucketChecksAndReportExport"),
        new("KmsKeyChecksAndGrants",
            // RevokeGrant, not RetireGrant: the operator removes grants as a key user with the key's permission, never as the retiring principal.
            ["kms:CreateGrant", "kms:DescribeKey", "kms:ListGrants", "kms:RevokeGrant"],
            specs => specs.Select(s => s.Kms?.KeyId).OfType<string>().Where(k => k.Length > 0)
                .Select(k => k.StartsWith("arn:", StringComparison.Ordinal) && k.Contains(":key/", StringComparison.Ordinal) ? k : "*")),
        new("CloudWatchLogGroupChecks",
            ["logs:DescribeLogGroups"],
            null),
        new("EventBridgeAlertRule",
            ["events:DeleteRule", "events:DescribeRule", "events:ListTargetsByRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets"],
            null),
        new("PassTargetRolesToEventBridge",
            ["iam:PassRole"],
            specs => specs.SelectMany(s => (s.Alerts?.CodePipelines?.Select(p => p.RoleArn) ?? [])
                .Concat(s.Alerts?.RunCommands?.Select(r => r.RoleArn) ?? [])).OfType<string>(),
            // Only EventBridge may be handed these roles.
            Condition: () => new JsonObject { ["StringEquals"] = new JsonObject { ["iam:PassedToService"] = "events.amazonaws.com" } }),
        new("CloudTrailAuditTrailChecks",
            ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"],
            null),
        new("SnsAlertTargetChecks",
            ["sns:GetTopicAttributes"],
            specs => specs.SelectMany(s => s.Alerts?.SnsTopicArns ?? [])),
        new("LambdaAlertTargetChecks",
            ["lambda:GetFunction"],
            specs => specs.SelectMany(s => s.Alerts?.LambdaFunctionArns ?? [])),
        new("CodePipelineAlertTargetChecks",
            ["codepipeline:GetPipeline"],
            specs => specs.SelectMany(s => s.Alerts?.CodePipelines?.Select(p => p.Arn) ?? []).OfType<string>()),
        new("AssumeRolesForCrossAccountPolicies",
            ["sts:AssumeRole"],
            specs => specs.Select(s => s.RoleArn).OfType<string>().Where(r => r.Length > 0)),
    ];

    /// <summary>Every IAM action the operator may call.</summary>
    public static IReadOnlyList<string> Actions { get; } = Statements.SelectMany(s => s.Actions).Order(StringComparer.Ordinal).ToList();

    /// <summary>The policy document; scoped to <paramref name="specs"/> when given (statements they do not need are left out).</summary>
    public static string Build(IReadOnlyList<SessionLoggingPolicySpec>? specs = null)
    {
        var statements = new JsonArray();
        if (specs is null)
        {
            // Any resource: one statement per service, as people read and review IAM policies.
            foreach (var group in Statements.GroupBy(s => s.Group ?? s.Sid))
            {
                var first = group.First();
                statements.Add(Render(group.Key, group.SelectMany(s => s.Actions).Order(StringComparer.Ordinal), "*", first.Condition));
            }
        }
        else
        {
            foreach (var s in Statements)
            {
                JsonNode resource = "*";
                if (s.Scope is not null)
                {
                    var arns = s.Scope(specs).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                    if (arns.Count == 0)
                    {
                        continue;
                    }

                    resource = arns.Contains("*") ? "*" : new JsonArray(arns.Select(a => (JsonNode?)a).ToArray());
                }

                statements.Add(Render(s.Sid, s.Actions, resource, s.Condition));
            }
        }

        var document = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject Render(string sid, IEnumerable<string> actions, JsonNode resource, Func<JsonObject>? condition)
    {
        var statement = new JsonObject
        {
            ["Sid"] = sid,
            ["Effect"] = "Allow",
            ["Action"] = new JsonArray(actions.Select(a => (JsonNode?)a).ToArray()),
            ["Resource"] = resource,
        };
        if (condition is not null)
        {
            statement["Condition"] = condition();
        }

        return statement;
    }

    private static string Account(SessionLoggingPolicySpec spec) => Arn.AccountOfRole(string.IsNullOrEmpty(spec.RoleArn) ? null : spec.RoleArn) ?? "*";
}
