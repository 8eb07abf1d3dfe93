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
    /// <summary>What one scoped document is built for: the policies acting in one account (<paramref name="Account"/>,
    /// "*" when not known), and the roles that account's identity assumes (only the operator's own role assumes any).</summary>
    /// <param name="Specs">The policies acting in the account.</param>
    /// <param name="Account">Their 12-digit account, or "*".</param>
    /// <param name="AssumedRoles">Roles to allow sts:AssumeRole on.</param>
    /// <param name="TaggedRoles">Roles assumed with session tags (sts:TagSession on them).</param>
    private sealed record Scope(IReadOnlyList<SessionLoggingPolicySpec> Specs, string Account, IReadOnlyList<string> AssumedRoles, IReadOnlyList<string> TaggedRoles);

    /// <summary>One statement: a Sid, the actions, and what to scope them to (null: any resource).
    /// Unscoped, statements of one service share <see cref="Group"/> as their Sid and become one statement.
    /// <see cref="ScopedOnly"/> statements grant a permission that is no API call (sts:TagSession): only in scoped documents.</summary>
    private sealed record Statement(
        string Sid,
        string[] Actions,
        Func<Scope, IEnumerable<string>>? Resources,
        string? Group = null,
        Func<Scope?, JsonObject?>? Condition = null,
        string AnyResource = "*",
        bool SessionManager = true,
        bool ScopedOnly = false);

    private static readonly Statement[] Statements =
    [
        new("SessionManagerPreferences",
            ["ssm:CreateDocument", "ssm:DeleteDocument", "ssm:GetDocument", "ssm:ListDocumentVersions", "ssm:UpdateDocument", "ssm:UpdateDocumentDefaultVersion"],
            c => c.Specs.Select(s => $"arn:{Arn.PartitionOf(s.Region)}:ssm:{s.Region}:{c.Account}:document/{s.DocumentName}"),
            "SessionManagerPreferencesAndReport"),
        new("SessionActivityReport",
            ["ssm:DescribeInstanceInformation", "ssm:DescribeSessions"],
            null,
            "SessionManagerPreferencesAndReport"),
        new("SessionDocumentTypesForReport",
            // The report reads each session's document for its sessionType: AWS-owned documents have no account in their ARN.
            ["ssm:GetDocument"],
            c => c.Specs.Where(s => s.Report is not null).SelectMany(s => new[]
            {
                $"arn:{Arn.PartitionOf(s.Region)}:ssm:{s.Region}::document/*",
                $"arn:{Arn.PartitionOf(s.Region)}:ssm:{s.Region}:{c.Account}:document/*",
            }),
            "SessionManagerPreferencesAndReport"),
        // Which role an instance with a missing log runs with, so the report names the fix (docs/REPORT.md, "Log
        // delivery"): EC2 gives the instance profile (Describe* calls take no resource-level permissions), IAM its role.
        new("InstanceProfilesForReport",
            ["ec2:DescribeIamInstanceProfileAssociations"],
            c => c.Specs.Any(s => s.Report is not null) ? ["*"] : []),
        new("InstanceProfileRolesForReport",
            ["iam:GetInstanceProfile"],
            c => c.Specs.Where(s => s.Report is not null).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:iam::{c.Account}:instance-profile/*"),
            AnyResource: "arn:aws*:iam::*:instance-profile/*"),
        new("S3LogBucketChecks",
            ["s3:GetEncryptionConfiguration", "s3:ListBucket"],
            c => LogBuckets(c.Specs).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:s3:::{s.S3!.BucketName}"),
            "S3LogBucketChecksAndReportExport",
            Condition: c => c is null ? null : BucketOwners(LogBuckets(c.Specs))),
        new("S3ReportExport",
            ["s3:PutObject"],
            c => ReportBuckets(c.Specs).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:s3:::{s.Report!.S3!.BucketName}/{s.Report.S3.KeyPrefix}*"),
            "S3LogBucketChecksAndReportExport",
            Condition: c => c is null ? null : BucketOwners(ReportBuckets(c.Specs))),
        new("KmsKeyChecksAndGrantRemoval",
            // RevokeGrant, not RetireGrant: the operator removes grants as a key user with the key's permission, never as the retiring principal.
            ["kms:DescribeKey", "kms:ListGrants", "kms:RevokeGrant"],
            c => CheckedKeyArns(c)),
        new("KmsGrantsForInstanceRoles",
            ["kms:CreateGrant"],
            // Grants are only created for instance roles: policies naming none need no CreateGrant.
            c => KeyArns(c with { Specs = c.Specs.Where(s => s.EffectiveInstanceRoles.Count > 0).ToList() }),
            // Only the two operations instance roles need, only to the instance roles the policies name (any role when unscoped),
            // and never a grant that lets its holder create more grants.
            Condition: c =>
            {
                var condition = new JsonObject
                {
                    ["ForAllValues:StringEquals"] = new JsonObject { ["kms:GrantOperations"] = new JsonArray("Decrypt", "GenerateDataKey") },
                };
                var grantees = c?.Specs.SelectMany(s => s.EffectiveInstanceRoles).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                condition["StringLike"] = new JsonObject
                {
                    ["kms:GranteePrincipal"] = grantees is { Count: > 0 }
                        ? new JsonArray(grantees.Select(g => (JsonNode?)g).ToArray())
                        : new JsonArray("arn:aws*:iam::*:role/*"),
                };
                return condition;
            }),
        new("CloudWatchLogGroupChecks",
            // DescribeLogStreams: the report looks for each ended session's log stream, one listing per log group and
            // session-id prefix (docs/REPORT.md, "Log delivery").
            ["logs:DescribeLogGroups", "logs:DescribeLogStreams"],
            null),
        new("EventBridgeAlertRule",
            ["events:DeleteRule", "events:DescribeRule", "events:ListTargetsByRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets"],
            // Every rule the operator manages is named session-audit-<policy>.
            c => c.Specs.Where(s => s.Alerts is not null).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:events:{s.Region}:{c.Account}:rule/{ResourceNames.Prefix}*"),
            AnyResource: $"arn:aws*:events:*:*:rule/{ResourceNames.Prefix}*"),
        new("PassTargetRolesToEventBridge",
            ["iam:PassRole"],
            c => c.Specs.SelectMany(s => (s.Alerts?.CodePipelines?.Select(p => p.RoleArn) ?? [])
                .Concat(s.Alerts?.RunCommands?.Select(r => r.RoleArn) ?? [])).OfType<string>(),
            // Only EventBridge may be handed these roles.
            Condition: _ => new JsonObject { ["StringEquals"] = new JsonObject { ["iam:PassedToService"] = "events.amazonaws.com" } }),
        new("CloudTrailAuditTrailChecks",
            ["cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors", "cloudtrail:GetTrailStatus"],
            null),
        // Reading and merging EventBridge's statement into the topic and function policies (alerts.managePermissions).
        new("SnsAlertTargetChecks",
            ["sns:GetTopicAttributes", "sns:SetTopicAttributes"],
            c => c.Specs.SelectMany(s => s.Alerts?.SnsTopicArns ?? []),
            AnyResource: "arn:aws*:sns:*:*:*"),
        new("LambdaAlertTargetChecks",
            ["lambda:AddPermission", "lambda:GetFunction", "lambda:GetPolicy", "lambda:RemovePermission"],
            c => c.Specs.SelectMany(s => s.Alerts?.LambdaFunctionArns ?? []),
            AnyResource: "arn:aws*:lambda:*:*:function:*"),
        new("CodePipelineAlertTargetChecks",
            ["codepipeline:GetPipeline"],
            c => c.Specs.SelectMany(s => s.Alerts?.CodePipelines?.Select(p => p.Arn) ?? []).OfType<string>()),
        // The operator's own identity assumes the roleArn of each AwsAccount (scoped: exactly those given with -f).
        new("AssumeRolesForCrossAccountPolicies",
            ["sts:AssumeRole"],
            c => c.AssumedRoles,
            SessionManager: false),
        // AssumeRole with Tags needs sts:TagSession on the role as well (IAM User Guide, "Passing session tags in AWS STS",
        // permissions required); only for the AwsAccounts that set sessionTags. A permission, not an API call: not in Actions.
        new("TagSessionsForAccountsWithSessionTags",
            ["sts:TagSession"],
            c => c.TaggedRoles,
            SessionManager: false,
            ScopedOnly: true),
    ];

    private static IEnumerable<SessionLoggingPolicySpec> LogBuckets(IEnumerable<SessionLoggingPolicySpec> specs) =>
        specs.Where(s => s.S3?.BucketName is { Length: > 0 });

    private static IEnumerable<SessionLoggingPolicySpec> ReportBuckets(IEnumerable<SessionLoggingPolicySpec> specs) =>
        specs.Where(s => s.Report?.S3 is not null);

    // The operator sends spec.s3.expectedBucketOwner as ExpectedBucketOwner on every S3 call (the log bucket and the
    // report bucket): when every bucket of the statement has one, the policy requires the same owners (aws:ResourceAccount,
    // a global condition key: the account that owns the resource). A bucket without it may be in any account.
    private static JsonObject? BucketOwners(IEnumerable<SessionLoggingPolicySpec> specs)
    {
        var list = specs.ToList();
        if (list.Count == 0 || list.Any(s => s.S3?.ExpectedBucketOwner is not { Length: > 0 }))
        {
            return null;
        }

        var owners = list.Select(s => s.S3!.ExpectedBucketOwner!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return new JsonObject { ["StringEquals"] = new JsonObject { ["aws:ResourceAccount"] = new JsonArray(owners.Select(o => (JsonNode?)o).ToArray()) } };
    }

    // A key given as an ARN scopes to itself; an alias or id cannot be resolved here, so it scopes to the region's keys.
    // The log bucket's SSE-KMS key is only known from the bucket (it may be in the bucket's account and region).
    private static IEnumerable<string> KeyArns(Scope c) =>
        c.Specs.Where(s => s.Kms?.KeyId is { Length: > 0 }).Select(s =>
            s.Kms!.KeyId.StartsWith("arn:", StringComparison.Ordinal) && s.Kms.KeyId.Contains(":key/", StringComparison.Ordinal)
                ? s.Kms.KeyId
                : $"arn:{Arn.PartitionOf(s.Region)}:kms:{s.Region}:{c.Account}:key/*")
            .Concat(LogBuckets(c.Specs).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:kms:*:*:key/*"));

    // Keys the operator describes: those it grants on, and the log group's key (in the group's region).
    private static IEnumerable<string> CheckedKeyArns(Scope c) =>
        KeyArns(c).Concat(c.Specs.Where(s => s.CloudWatch?.LogGroupName is { Length: > 0 }).Select(s => $"arn:{Arn.PartitionOf(s.Region)}:kms:{s.Region}:*:key/*"));

    /// <summary>Every IAM action the operator may call.</summary>
    public static IReadOnlyList<string> Actions { get; } = Statements.Where(s => !s.ScopedOnly).SelectMany(s => s.Actions).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The policy document; scoped to <paramref name="specs"/> when given (statements they do not need are left
    /// out; resources in any account, and no sts:AssumeRole: name the AwsAccounts with <see cref="Build(IReadOnlyList{SessionLoggingPolicySpec}, string, IReadOnlyList{string}, IReadOnlyList{string})"/>).</summary>
    public static string Build(IReadOnlyList<SessionLoggingPolicySpec>? specs = null) =>
        specs is null ? Generic() : Build(specs, "*", [], []);

    /// <summary>The document of one account's identity: the Session Manager permissions of <paramref name="specs"/> (the
    /// policies acting in <paramref name="account"/>, 12 digits or "*" when not known; none: no Session Manager permission),
    /// sts:AssumeRole on <paramref name="assumedRoles"/> and sts:TagSession on <paramref name="taggedRoles"/>.</summary>
    public static string Build(IReadOnlyList<SessionLoggingPolicySpec> specs, string account, IReadOnlyList<string> assumedRoles, IReadOnlyList<string> taggedRoles)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(assumedRoles);
        ArgumentNullException.ThrowIfNull(taggedRoles);
        var scope = new Scope(specs, account, assumedRoles, taggedRoles);
        var statements = new JsonArray();
        foreach (var s in Statements)
        {
            if (s.SessionManager && specs.Count == 0)
            {
                continue;
            }

            JsonNode resource = "*";
            if (s.Resources is not null)
            {
                var arns = s.Resources(scope).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                if (arns.Count == 0)
                {
                    continue;
                }

                resource = arns.Contains("*") ? "*" : new JsonArray(arns.Select(a => (JsonNode?)a).ToArray());
            }

            statements.Add(Render(s.Sid, s.Actions, resource, s.Condition?.Invoke(scope)));
        }

        return Serialize(statements);
    }

    // Any resource: one statement per service, as people read and review IAM policies.
    private static string Generic()
    {
        var statements = new JsonArray();
        foreach (var group in Statements.Where(s => !s.ScopedOnly).GroupBy(s => s.Group ?? s.Sid))
        {
            var first = group.First();
            statements.Add(Render(group.Key, group.SelectMany(s => s.Actions).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), first.AnyResource, first.Condition?.Invoke(null)));
        }

        return Serialize(statements);
    }

    /// <summary>An IAM policy document of <paramref name="statements"/>, indented, with a final newline.</summary>
    internal static string Serialize(JsonArray statements)
    {
        var document = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    internal static JsonObject Render(string sid, IEnumerable<string> actions, JsonNode resource, JsonObject? condition)
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

}
