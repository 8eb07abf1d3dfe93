using System.Text.Json.Nodes;
using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The world of the KMS scenarios: a customer-managed key; AWS-managed keys appear on first use, as in AWS.</summary>
public sealed class KmsWorld : OperatorWorld
{
    protected override string Seed => """
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                keys:
                  - alias: alias/e2e-cmk
                    description: customer-managed session key
                  - alias: alias/e2e-disabled
                    description: disabled key
                    state: Disabled
                trails:
                  - {name: e2e-trail, bucket: e2e-kms-trail, logging: true}
        """;
}

/// <summary>S5: a customer-managed key gets one grant per grantee and loses the grant of a removed grantee; an AWS-managed
/// key gets none, and the condition says why. Grants are read back with `aws kms list-grants`.</summary>
public sealed class KmsScenarios(KmsWorld fixture) : IClassFixture<KmsWorld>
{
    private const string RoleA = "arn:aws:iam::111122223333:role/e2e-web";
    private const string RoleB = "arn:aws:iam::111122223333:role/e2e-batch";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestWorld World => fixture.World;

    private static string Policy(string name, string document, string keyId, params string[] grantees) => $$"""
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: {{name}}
        spec:
          region: us-east-1
          documentName: {{document}}
          kms:
            keyId: {{keyId}}
            grantees: [{{string.Join(", ", grantees.Select(g => "\"" + g + "\""))}}]
        """;

    private async Task<JsonArray> GrantsAsync(string keyId) =>
        (await World.PersonJsonAsync(["kms", "list-grants", "--key-id", keyId], ct: Ct))!["Grants"]!.AsArray();

    private async Task<string> KeyArnAsync(string keyId) =>
        (string)(await World.PersonJsonAsync(["kms", "describe-key", "--key-id", keyId], ct: Ct))!["KeyMetadata"]!["Arn"]!;

    [Fact]
    public async Task S5_a_customer_managed_key_gets_one_grant_per_grantee_and_a_removed_grantee_loses_its_grant()
    {
        await World.ApplyAsync(Policy("s5-grants", "E2E-S5", "alias/e2e-cmk", RoleA, RoleB), ct: Ct);
        await World.KubectlWaitReadyAsync("s5-grants", ct: Ct);
        var keyArn = await KeyArnAsync("alias/e2e-cmk");

        var grants = await GrantsAsync(keyArn);
        Assert.Equal([RoleA, RoleB], grants.Select(g => (string)g!["GranteePrincipal"]!).Order(StringComparer.Ordinal).Reverse());
        Assert.All(grants, g =>
        {
            Assert.Equal(["Decrypt", "GenerateDataKey"], g!["Operations"]!.AsArray().Select(o => (string)o!).Order(StringComparer.Ordinal));
            Assert.StartsWith("session-audit-s5-grants-", (string?)g["Name"], StringComparison.Ordinal);
        });

        var policy = await World.GetPolicyAsync("s5-grants", Ct);
        Assert.Equal("CustomerManagedKey", (string?)PolicyWorld.Condition(policy, "EncryptionReady")!["reason"]);
        Assert.Equal("GrantsReady", (string?)PolicyWorld.Condition(policy, "KmsGrantsReady")!["reason"]);
        var status = policy!["status"]!["grants"]!.AsArray();
        Assert.Equal(
            grants.Select(g => (string)g!["GrantId"]!).Order(StringComparer.Ordinal),
            status.Select(g => (string)g!["grantId"]!).Order(StringComparer.Ordinal));
        Assert.Equal("alias/e2e-cmk", (string?)(await World.DocumentContentAsync("E2E-S5", ct: Ct))["inputs"]!["kmsKeyId"]);

        var retiredId = (string)grants.Single(g => (string?)g!["GranteePrincipal"] == RoleB)!["GrantId"]!;
        await World.ApplyAsync(Policy("s5-grants", "E2E-S5", "alias/e2e-cmk", RoleA), ct: Ct);

        var left = await Eventually.WaitAsync(() => GrantsAsync(keyArn), g => g.Count == 1, TimeSpan.FromSeconds(45), "the grant of the removed grantee to go", Ct);
        Assert.Equal(RoleA, (string?)left[0]!["GranteePrincipal"]);
        await World.WaitForConditionAsync("s5-grants", "KmsGrantsReady", "True", "GrantsReady", ct: Ct);
        var events = await Eventually.WaitAsync(() => World.PolicyEventsAsync("s5-grants", Ct), e => e.Any(x => x.Reason == "GrantRetired"), TimeSpan.FromSeconds(20), "a GrantRetired event", Ct);
        Assert.Contains(events, x => x.Reason == "GrantRetired" && x.Message.Contains(retiredId, StringComparison.Ordinal));
        var after = (await World.GetPolicyAsync("s5-grants", Ct))!["status"]!["grants"]!.AsArray();
        Assert.Equal(RoleA, (string?)Assert.Single(after)!["grantee"]);
    }

    [Fact]
    public async Task S5_an_AWS_managed_key_gets_no_grants_and_the_condition_says_why()
    {
        var creates = World.OperatorCalls().Count(c => c.Operation == "CreateGrant");
        await World.ApplyAsync(Policy("s5-aws-managed", "E2E-S5-Managed", "alias/aws/ssm", RoleA), ct: Ct);
        await World.KubectlWaitReadyAsync("s5-aws-managed", ct: Ct);

        var policy = await World.GetPolicyAsync("s5-aws-managed", Ct);
        Assert.Equal("AwsManagedKey", (string?)PolicyWorld.Condition(policy, "EncryptionReady")!["reason"]);
        var grantsReady = PolicyWorld.Condition(policy, "KmsGrantsReady")!;
        Assert.Equal("AwsManagedKeyNeedsNoGrants", (string?)grantsReady["reason"]);
        Assert.Contains("AWS-managed", (string?)grantsReady["message"]);
        Assert.Null(policy!["status"]!["grants"]);

        var key = (await World.PersonJsonAsync(["kms", "describe-key", "--key-id", "alias/aws/ssm"], ct: Ct))!["KeyMetadata"]!;
        Assert.Equal("AWS", (string?)key["KeyManager"]);
        Assert.Empty(await GrantsAsync((string)key["Arn"]!));
        Assert.Equal(creates, World.OperatorCalls().Count(c => c.Operation == "CreateGrant"));
        Assert.Equal("alias/aws/ssm", (string?)(await World.DocumentContentAsync("E2E-S5-Managed", ct: Ct))["inputs"]!["kmsKeyId"]);
    }

    [Fact]
    public async Task S5_a_disabled_key_is_refused_and_kmsKeyId_is_not_written()
    {
        await World.ApplyAsync(Policy("s5-disabled", "E2E-S5-Disabled", "alias/e2e-disabled", RoleA), ct: Ct);
        var policy = await World.WaitForConditionAsync("s5-disabled", "EncryptionReady", "False", "KeyNotEnabled", ct: Ct);
        Assert.Contains("Disabled", (string?)PolicyWorld.Condition(policy, "EncryptionReady")!["message"]);
        Assert.Equal("", (string?)(await World.DocumentContentAsync("E2E-S5-Disabled", ct: Ct))["inputs"]!["kmsKeyId"]);
        Assert.Empty(await GrantsAsync(await KeyArnAsync("alias/e2e-disabled")));
    }
}
