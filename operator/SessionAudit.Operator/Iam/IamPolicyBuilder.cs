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
    private sealed record Statement(
        string Sid,
        string[] Actions,
        Func<IReadOnlyList<SessionLoggingPolicySpec>, IEnumerable<string>>? Scope,
        string? Group = null,
        Func<IReadOnlyList<SessionLoggingPolicySpec>?, JsonObject>? Condition = null,
        string AnyResource = "*");

    private static readonly Statement[] Statements =
    [
        new("SessionManagerPreferences",
            ["ssm:CreateDocument", "ssm:DeleteDocument", "ssm:GetDocument", "ssm:ListDocumentVersions", "ssm:UpdateDocument", "ssm:UpdateDocumentDefaultVersion"],
            specs => specs.Select(s => $"arn:{Arn.PartitionOf(s.Region)}:ssm:{s.Region}:{Account(s)}:document/{s.DocumentName}"),
            "SessionManagerPreferencesAndReport"),
        new("SessionActivityReport",
            ["ssm:DescribeInstanceInformation", "ssm:DescribeSessions"],
            null,
            "SessionManagerPreferencesAndReport"),
        new("SessionDocumentTypesForReport",
            // The report reads each session's document for its sessionType: AWS-owned documents have no account in their ARN.
            ["ssm:GetDocument"],
            specs => specs.Where(s => s.Report is not null).SelectMany(s => new[]
            {
                $"arn:{Arn.PartitionOf(s.Region)}:ssm:{s.Region}::document/*",
                $"arn:{Arn.PartitionOf(s.Region)}:ssm:{s.Region}:{Account(s)}:document/*",
            }),
            "SessionManagerPreferencesAndReport"),
        new("S3LogBucketChecks",
            ["s3:GetEncryptionConfiguration", "s3:ListBucket"],
            specs => specs.Where(s => s.S3?.BucketName is { Length: > 0 }).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:s3:::{s.S3!.BucketName}"),
            "S3LogBucketChecksAndReportExport"),
        new("S3ReportExport",
            ["s3:PutObject"],
            specs => specs.Where(s => s.Report?.S3 is not null).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:s3:::{s.Report!.S3!.BucketName}/{s.Report.S3.KeyPrefix}*"),
            "S3LogBucketChecksAndReportExport"),
        new("KmsKeyChecksAndGrantRemoval",
            // RevokeGrant, not RetireGrant: the operator removes grants as a key user with the key's permission, never as the retiring principal.
            ["kms:DescribeKey", "kms:ListGrants", "kms:RevokeGrant"],
            CheckedKeyArns),
        new("KmsGrantsForInstanceRoles",
            ["kms:CreateGrant"],
            KeyArns,
            // Only the two operations instance roles need, only to the instance roles the policies name (any role when unscoped),
            // and never a grant that lets its holder create more grants.
            Condition: specs =>
            {
                var condition = new JsonObject
                {
                    ["ForAllValues:StringEquals"] = new JsonObject { ["kms:GrantOperations"] = new JsonArray("Decrypt", "GenerateDataKey") },
                };
                var grantees = specs?.SelectMany(s => s.EffectiveInstanceRoles).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                condition["StringLike"] = new JsonObject
                {
                    ["kms:GranteePrincipal"] = grantees is { Count: > 0 }
                        ? new JsonArray(grantees.Select(g => (JsonNode?)g).ToArray())
                        : new JsonArray("arn:aws*:iam::*:role/*"),
                };
                return condition;
            }),
        new("CloudWatchLogGroupChecks",
            ["logs:DescribeLogGroups"],
            null),
        new("EventBridgeAlertRule",
            ["events:DeleteRule", "events:DescribeRule", "events:ListTargetsByRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets"],
            // Every rule the operator manages is named session-audit-<policy>.
            specs => specs.Where(s => s.Alerts is not null).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:events:{s.Region}:{Account(s)}:rule/{ResourceNames.Prefix}*"),
            AnyResource: $"arn:aws*:events:*:*:rule/{ResourceNames.Prefix}*"),
        new("PassTargetRolesToEventBridge",
            ["iam:PassRole"],
            specs => specs.SelectMany(s => (s.Alerts?.CodePipelines?.Select(p => p.RoleArn) ?? [])
                .Concat(s.Alerts?.RunCommands?.Select(r => r.RoleArn) ?? [])).OfType<string>(),
            // Only EventBridge may be handed these roles.
            Condition: _ => new JsonObject { ["StringEquals"] = new JsonObject { ["iam:PassedToService"] = "events.amazonaws.com" } }),
        new("CloudTrailAuditTrailChecks",
            ["cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors", "cloudtrail:GetTrailStatus"],
            null),
        // Reading and merging EventBridge's statement into the topic and function policies (alerts.managePermissions).
        new("SnsAlertTargetChecks",
            ["sns:GetTopicAttributes", "sns:SetTopicAttributes"],
            specs => specs.SelectMany(s => s.Alerts?.SnsTopicArns ?? []),
            AnyResource: "arn:aws*:sns:*:*:*"),
        new("LambdaAlertTargetChecks",
            ["lambda:AddPermission", "lambda:GetFunction", "lambda:GetPolicy", "lambda:RemovePermission"],
            specs => specs.SelectMany(s => s.Alerts?.LambdaFunctionArns ?? []),
            AnyResource: "arn:aws*:lambda:*:*:function:*"),
        new("CodePipelineAlertTargetChecks",
            ["codepipeline:GetPipeline"],
            specs => specs.SelectMany(s => s.Alerts?.CodePipelines?.Select(p => p.Arn) ?? []).OfType<string>()),
        new("AssumeRolesForCrossAccountPolicies",
            ["sts:AssumeRole"],
            specs => specs.Select(s => s.RoleArn).OfType<string>().Where(r => r.Length > 0)),
    ];

    // A key given as an ARN scopes to itself; an alias or id cannot be resolved here, so it scopes to the region's keys.
    // The log bucket's SSE-KMS key is only known from the bucket (it may be in the bucket's account and region).
    private static IEnumerable<string> KeyArns(IReadOnlyList<SessionLoggingPolicySpec> specs) =>
        specs.Where(s => s.Kms?.KeyId is { Length: > 0 }).Select(s =>
            s.Kms!.KeyId.StartsWith("arn:", StringComparison.Ordinal) && s.Kms.KeyId.Contains(":key/", StringComparison.Ordinal)
                ? s.Kms.KeyId
                : $"arn:{Arn.PartitionOf(s.Region)}:kms:{s.Region}:{Account(s)}:key/*")
            .Concat(specs.Where(s => s.S3?.BucketName is { Length: > 0 }).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:kms:*:*:key/*"));

    // Keys the operator describes: those it grants on, and the log group's key (in the group's region).
    private static IEnumerable<string> CheckedKeyArns(IReadOnlyList<SessionLoggingPolicySpec> specs) =>
        KeyArns(specs).Concat(specs.Where(s => s.CloudWatch?.LogGroupName is { Length: > 0 }).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:kms:{s.Region}:*:key/*"));

    /// <summary>Every IAM action the operator may call.</summary>
    public static IReadOnlyList<string> Actions { get; } = Statements.SelectMany(s => s.Actions).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

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
                statements.Add(Render(group.Key, group.SelectMany(s => s.Actions).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), first.AnyResource, first.Condition?.Invoke(null)));
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

                statements.Add(Render(s.Sid, s.Actions, resource, s.Condition?.Invoke(specs)));
            }
        }

        var document = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject Render(string sid, IEnumerable<string> actions, JsonNode resource, JsonObject? condition)
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
            statement["Condition"] = condition;
        }

        return statement;
    }

    private static string Account(SessionLoggingPolicySpec spec) => Arn.AccountOfRole(string.IsNullOrEmpty(spec.RoleArn) ? null : spec.RoleArn) ?? "*";
}
