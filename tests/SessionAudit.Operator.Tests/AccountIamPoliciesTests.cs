using System.Text.Json.Nodes;
using SessionAudit.Operator.Cli;
using SessionAudit.Operator.Iam;
using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>iam-policy -f with AwsAccounts: the operator role assumes exactly their roles, each target role gets the
/// permissions of its policies in its own account, and a trust policy that lets only the operator's role in.</summary>
public sealed class AccountIamPoliciesTests
{
    private const string OperatorRole = "arn:aws:iam::111122223333:role/session-audit-operator";

    private const string Manifests = """
        apiVersion: sessionaudit.io/v1alpha1
        kind: AwsAccount
        metadata:
          name: platform
        spec:
          default: true
        ---
        apiVersion: sessionaudit.io/v1alpha1
        kind: AwsAccount
        metadata:
          name: workloads
        spec:
          roleArn: arn:aws:iam::444455556666:role/session-audit
          externalIdSecretRef:
            name: workloads-external-id
            key: externalId
        ---
        apiVersion: sessionaudit.io/v1alpha1
        kind: AwsAccount
        metadata:
          name: tagged
        spec:
          roleArn: arn:aws:iam::777788889999:role/session-audit
          externalId: tagged-external-id
          sessionTags:
          - key: team
            value: platform
        ---
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: own
        spec:
          region: eu-west-1
          s3:
            bucketName: own-logs
        ---
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: workloads-account
        spec:
          region: us-east-1
          accountRef:
            name: workloads
          s3:
            bucketName: workloads-logs
          instanceRoles: [arn:aws:iam::444455556666:role/ec2-ssm]
          kms:
            keyId: alias/sessions
          alerts:
            snsTopicArns: [arn:aws:sns:us-east-1:444455556666:alerts]
        """;

    private static readonly IReadOnlyList<SessionLoggingPolicy> Policies = PolicyManifest.Parse(Manifests);
    private static readonly IReadOnlyList<AwsAccount> Accounts = PolicyManifest.ParseAccounts(Manifests);

    private static AccountIamPolicies Documents => new(Policies, Accounts);

    private static AwsAccount Account(string name) => Accounts.Single(a => a.Name == name);

    private static JsonArray Statements(string json) => JsonNode.Parse(json)!["Statement"]!.AsArray();

    private static JsonObject Sid(string json, string sid) => Statements(json).Single(s => (string?)s!["Sid"] == sid)!.AsObject();

    private static string[] Strings(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(x => (string)x!).ToArray(),
        null => [],
        _ => [(string)node!],
    };

    [Fact]
    public void The_operator_role_assumes_exactly_the_roles_of_the_AwsAccounts_given()
    {
        var json = Documents.OperatorPolicy();

        Assert.Equal(["arn:aws:iam::444455556666:role/session-audit", "arn:aws:iam::777788889999:role/session-audit"],
            Strings(Sid(json, "AssumeRolesForCrossAccountPolicies")["Resource"]));
        Assert.DoesNotContain("\"*\"", Sid(json, "AssumeRolesForCrossAccountPolicies").ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TagSession_is_granted_only_on_the_roles_of_AwsAccounts_with_session_tags()
    {
        Assert.Equal(["arn:aws:iam::777788889999:role/session-audit"], Strings(Sid(Documents.OperatorPolicy(), "TagSessionsForAccountsWithSessionTags")["Resource"]));

        var untagged = new AccountIamPolicies(Policies, Accounts.Where(a => a.Name != "tagged").ToList());
        Assert.DoesNotContain("sts:TagSession", untagged.OperatorPolicy(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_operator_role_gets_Session_Manager_permissions_only_for_the_policies_of_its_own_account()
    {
        var json = Documents.OperatorPolicy("111122223333");

        Assert.Equal(["arn:aws:ssm:eu-west-1:111122223333:document/SSM-SessionManagerRunShell"], Strings(Sid(json, "SessionManagerPreferences")["Resource"]));
        Assert.Equal(["arn:aws:s3:::own-logs"], Strings(Sid(json, "S3LogBucketChecks")["Resource"]));
        Assert.DoesNotContain("444455556666:document", json, StringComparison.Ordinal);
        Assert.DoesNotContain("workloads-logs", json, StringComparison.Ordinal);
        Assert.DoesNotContain("sns:", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_own_account_policies_the_operator_role_only_assumes_roles()
    {
        var json = new AccountIamPolicies(Policies.Where(p => p.Metadata.Name != "own").ToList(), Accounts).OperatorPolicy();

        Assert.All(Statements(json), s => Assert.StartsWith("sts:", Strings(s!["Action"])[0], StringComparison.Ordinal));
    }

    [Fact]
    public void The_target_role_policy_is_scoped_to_the_target_account()
    {
        var json = Documents.TargetPolicy(Account("workloads"));

        Assert.Equal(["arn:aws:ssm:us-east-1:444455556666:document/SSM-SessionManagerRunShell"], Strings(Sid(json, "SessionManagerPreferences")["Resource"]));
        Assert.Equal(["arn:aws:events:us-east-1:444455556666:rule/session-audit-*"], Strings(Sid(json, "EventBridgeAlertRule")["Resource"]));
        Assert.Contains("arn:aws:kms:us-east-1:444455556666:key/*", Strings(Sid(json, "KmsGrantsForInstanceRoles")["Resource"]));
        Assert.Equal(["arn:aws:iam::444455556666:role/ec2-ssm"], Strings(Sid(json, "KmsGrantsForInstanceRoles")["Condition"]!["StringLike"]!["kms:GranteePrincipal"]));
        Assert.Equal(["Decrypt", "GenerateDataKey"], Strings(Sid(json, "KmsGrantsForInstanceRoles")["Condition"]!["ForAllValues:StringEquals"]!["kms:GrantOperations"]));
        // Nothing of the operator's own account, and no role chaining.
        Assert.DoesNotContain("own-logs", json, StringComparison.Ordinal);
        Assert.DoesNotContain(":*:document/", json, StringComparison.Ordinal);
        Assert.DoesNotContain("sts:", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_target_role_without_policies_or_without_a_role_is_refused()
    {
        Assert.Contains("no SessionLoggingPolicy given names AwsAccount tagged", Assert.Throws<ArgumentException>(() => Documents.TargetPolicy(Account("tagged"))).Message, StringComparison.Ordinal);
        Assert.Contains("has no roleArn", Assert.Throws<ArgumentException>(() => Documents.TargetPolicy(Account("platform"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_trust_policy_lets_only_the_operator_role_assume_with_the_external_id_and_its_session_names()
    {
        var json = AccountIamPolicies.TrustPolicy(Account("tagged"), OperatorRole);

        var assume = Sid(json, "AssumeBySessionAuditOperator");
        Assert.Equal(OperatorRole, (string?)assume["Principal"]!["AWS"]);
        Assert.Equal("sts:AssumeRole", (string?)assume["Action"]);
        Assert.Equal("tagged-external-id", (string?)assume["Condition"]!["StringEquals"]!["sts:ExternalId"]);
        Assert.Equal("sa-*", (string?)assume["Condition"]!["StringLike"]!["sts:RoleSessionName"]);
        Assert.StartsWith(AccountIamPolicies.SessionNamePrefix, AccountBinding.SessionName("any-policy"), StringComparison.Ordinal);
        var tag = Sid(json, "TagSessionsOfSessionAuditOperator");
        Assert.Equal(OperatorRole, (string?)tag["Principal"]!["AWS"]);
        Assert.Equal("sts:TagSession", (string?)tag["Action"]);
        Assert.Equal(2, Statements(json).Count);
    }

    [Fact]
    public void An_external_id_in_a_Secret_is_a_marked_placeholder_unless_given()
    {
        var workloads = Account("workloads");

        var placeholder = AccountIamPolicies.TrustPolicy(workloads, OperatorRole);
        Assert.True(AccountIamPolicies.NeedsExternalId(workloads, null));
        Assert.StartsWith(AccountIamPolicies.ExternalIdPlaceholder, (string?)Sid(placeholder, "AssumeBySessionAuditOperator")["Condition"]!["StringEquals"]!["sts:ExternalId"], StringComparison.Ordinal);
        Assert.Contains("workloads-external-id", placeholder, StringComparison.Ordinal);
        // No session tags: no TagSession.
        Assert.Single(Statements(placeholder));

        var given = AccountIamPolicies.TrustPolicy(workloads, OperatorRole, "from-the-secret");
        Assert.False(AccountIamPolicies.NeedsExternalId(workloads, "from-the-secret"));
        Assert.Equal("from-the-secret", (string?)Sid(given, "AssumeBySessionAuditOperator")["Condition"]!["StringEquals"]!["sts:ExternalId"]);
    }

    [Fact]
    public void A_role_without_external_id_has_no_external_id_condition()
    {
        var plain = new AwsAccount("plain", new AwsAccountSpec { RoleArn = "arn:aws:iam::444455556666:role/plain" });

        var condition = Sid(AccountIamPolicies.TrustPolicy(plain, OperatorRole), "AssumeBySessionAuditOperator")["Condition"]!.AsObject();

        Assert.False(condition.ContainsKey("StringEquals"));
        Assert.Equal("sa-*", (string?)condition["StringLike"]!["sts:RoleSessionName"]);
    }

    [Fact]
    public void Policies_naming_an_AwsAccount_not_given_or_a_removed_roleArn_are_refused()
    {
        var missing = Assert.Throws<ArgumentException>(() => new AccountIamPolicies(Policies, Accounts.Where(a => a.Name != "workloads").ToList()));
        Assert.Contains("SessionLoggingPolicy workloads-account names AwsAccount workloads (spec.accountRef.name), which is not in the files given", missing.Message, StringComparison.Ordinal);

        var legacy = Policies[0] with { Spec = Policies[0].Spec with { RoleArn = "arn:aws:iam::444455556666:role/x" } };
        Assert.Contains("spec.roleArn", Assert.Throws<ArgumentException>(() => new AccountIamPolicies([legacy], [])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_needs_the_operator_role_for_a_trust_policy_and_an_account_when_several_have_roles()
    {
        var noRole = Assert.Throws<UsageException>(() => IamPolicyCommand.Render(Policies, Accounts, IamPolicyCommand.Document.Trust, "workloads", null, null, TextWriter.Null));
        Assert.Contains("--operator-role-arn", noRole.Message, StringComparison.Ordinal);

        var several = Assert.Throws<UsageException>(() => IamPolicyCommand.Render(Policies, Accounts, IamPolicyCommand.Document.Target, null, null, null, TextWriter.Null));
        Assert.Contains("workloads, tagged", several.Message.Replace("tagged, workloads", "workloads, tagged", StringComparison.Ordinal), StringComparison.Ordinal);

        var notes = new StringWriter();
        var trust = IamPolicyCommand.Render(Policies, Accounts, IamPolicyCommand.Document.Trust, "workloads", OperatorRole, null, notes);
        Assert.Contains(AccountIamPolicies.ExternalIdPlaceholder, trust, StringComparison.Ordinal);
        Assert.Contains("Secret workloads-external-id", notes.ToString(), StringComparison.Ordinal);
    }
}
