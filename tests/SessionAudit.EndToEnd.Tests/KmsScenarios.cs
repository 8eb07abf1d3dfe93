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

/// <summary>S5: a customer-managed key gets one grant per instance role and loses the grant of a removed role; so does
/// the log bucket's customer-managed key; an AWS-managed session key is refused. Grants are read back with
/// `aws kms list-grants`, the document with `aws ssm get-document`.</summary>
public sealed class KmsScenarios(KmsWorld fixture) : IClassFixture<KmsWorld>
{
    private const string RoleA = "arn:aws:iam::111122223333:role/e2e-web";
    private const string RoleB = "arn:aws:iam::111122223333:role/e2e-batch";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestWorld World => fixture.World;

    private static string Policy(string name, string document, string keyId, params string[] roles) => $$"""
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: {{name}}
        spec:
          region: us-east-1
          documentName: {{document}}
          instanceRoles: [{{string.Join(", ", roles.Select(g => "\"" + g + "\""))}}]
          kms:
            keyId: {{keyId}}
        """;

    private async Task<JsonArray> GrantsAsync(string keyId) =>
        (await World.PersonJsonAsync(["kms", "list-grants", "--key-id", keyId], ct: Ct))!["Grants"]!.AsArray();

    // The fixture's keys are shared by the scenarios: each looks only at the grants its own policy made.
    private async Task<List<JsonNode?>> GrantsOfAsync(string keyId, string policy) =>
        (await GrantsAsync(keyId)).Where(g => ((string?)g!["Name"] ?? "").StartsWith($"session-audit-{policy}-", StringComparison.Ordinal)).ToList();

    private async Task<string> KeyArnAsync(string keyId) =>
        (string)(await World.PersonJsonAsync(["kms", "describe-key", "--key-id", keyId], ct: Ct))!["KeyMetadata"]!["Arn"]!;

    [Fact]
    public async Task S5_a_customer_managed_key_gets_one_grant_per_instance_role_and_a_removed_role_loses_its_grant()
    {
        await World.ApplyAsync(Policy("s5-grants", "E2E-S5", "alias/e2e-cmk", RoleA, RoleB), ct: Ct);
        await World.KubectlWaitReadyAsync("s5-grants", ct: Ct);
        var keyArn = await KeyArnAsync("alias/e2e-cmk");

        var grants = await GrantsOfAsync(keyArn, "s5-grants");
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

        var left = await Eventually.WaitAsync(() => GrantsOfAsync(keyArn, "s5-grants"), g => g.Count == 1, TimeSpan.FromSeconds(45), "the grant of the removed grantee to go", Ct);
        Assert.Equal(RoleA, (string?)left[0]!["GranteePrincipal"]);
        await World.WaitForConditionAsync("s5-grants", "KmsGrantsReady", "True", "GrantsReady", ct: Ct);
        var events = await Eventually.WaitAsync(() => World.PolicyEventsAsync("s5-grants", Ct), e => e.Any(x => x.Reason == "GrantRetired"), TimeSpan.FromSeconds(20), "a GrantRetired event", Ct);
        Assert.Contains(events, x => x.Reason == "GrantRetired" && x.Message.Contains(retiredId, StringComparison.Ordinal));
        var after = (await World.GetPolicyAsync("s5-grants", Ct))!["status"]!["grants"]!.AsArray();
        Assert.Equal(RoleA, (string?)Assert.Single(after)!["grantee"]);
    }

    [Fact]
    public async Task S5_an_AWS_managed_session_key_is_refused_and_kmsKeyId_is_not_written()
    {
        var creates = World.OperatorCalls().Count(c => c.Operation == "CreateGrant");
        await World.ApplyAsync(Policy("s5-aws-managed", "E2E-S5-Managed", "alias/aws/ssm", RoleA), ct: Ct);

        var policy = await World.WaitForConditionAsync("s5-aws-managed", "EncryptionReady", "False", "AwsManagedKey", ct: Ct);
        var encryption = PolicyWorld.Condition(policy, "EncryptionReady")!;
        Assert.Contains("customer-managed symmetric key", (string?)encryption["message"]);
        Assert.Equal("False", (string?)PolicyWorld.Condition(policy, "Ready")!["status"]);
        Assert.Equal("KeyNotReady", (string?)PolicyWorld.Condition(policy, "KmsGrantsReady")!["reason"]);
        Assert.Null(policy!["status"]!["grants"]);

        var key = (await World.PersonJsonAsync(["kms", "describe-key", "--key-id", "alias/aws/ssm"], ct: Ct))!["KeyMetadata"]!;
        Assert.Equal("AWS", (string?)key["KeyManager"]);
        Assert.Empty(await GrantsAsync((string)key["Arn"]!));
        Assert.Equal(creates, World.OperatorCalls().Count(c => c.Operation == "CreateGrant"));
        var inputs = (await World.DocumentContentAsync("E2E-S5-Managed", ct: Ct))["inputs"]!;
        Assert.Equal("", (string?)inputs["kmsKeyId"] ?? "");
    }

    [Fact]
    public async Task S5_a_bucket_encrypted_with_a_customer_key_gets_a_grant_for_each_instance_role()
    {
        const string Bucket = "e2e-kms-cmk-logs";
        var keyArn = (string)(await World.PersonJsonAsync(["kms", "create-key", "--description", "bucket key"], ct: Ct))!["KeyMetadata"]!["Arn"]!;
        await World.PersonCliAsync(["s3api", "create-bucket", "--bucket", Bucket], ct: Ct);
        await World.PersonCliAsync(["s3api", "put-bucket-encryption", "--bucket", Bucket, "--server-side-encryption-configuration",
            $$$"""{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"{{{keyArn}}}"}}]}"""], ct: Ct);

        await World.ApplyAsync($$"""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: s5-bucket-key
            spec:
              region: us-east-1
              documentName: E2E-S5-BucketKey
              instanceRoles: ["{{RoleA}}"]
              s3: {bucketName: {{Bucket}}, encryptionRequired: true}
            """, ct: Ct);
        await World.KubectlWaitReadyAsync("s5-bucket-key", ct: Ct);

        var grant = Assert.Single(await GrantsAsync(keyArn))!;
        Assert.Equal(RoleA, (string?)grant["GranteePrincipal"]);
        Assert.Equal(["Decrypt", "GenerateDataKey"], grant["Operations"]!.AsArray().Select(o => (string)o!).Order(StringComparer.Ordinal));
        var policy = await World.GetPolicyAsync("s5-bucket-key", Ct);
        Assert.Equal("GrantsReady", (string?)PolicyWorld.Condition(policy, "KmsGrantsReady")!["reason"]);
        Assert.Equal(keyArn, (string?)Assert.Single(policy!["status"]!["grants"]!.AsArray())!["keyArn"]);
        Assert.Equal(Bucket, (string?)(await World.DocumentContentAsync("E2E-S5-BucketKey", ct: Ct))["inputs"]!["s3BucketName"]);

        // A disabled bucket key stops every upload: S3Ready says so.
        await World.PersonCliAsync(["kms", "disable-key", "--key-id", keyArn], ct: Ct);
        await World.WaitForConditionAsync("s5-bucket-key", "S3Ready", "False", "BucketKeyNotEnabled", ct: Ct);
    }

    [Fact]
    public async Task S5_deprecated_kms_grantees_keep_their_grants_and_a_Warning_says_to_move_them()
    {
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: s5-deprecated
            spec:
              region: us-east-1
              documentName: E2E-S5-Deprecated
              kms:
                keyId: alias/e2e-cmk
                grantees: ["arn:aws:iam::111122223333:role/e2e-legacy"]
            """, ct: Ct);
        await World.KubectlWaitReadyAsync("s5-deprecated", ct: Ct);

        var keyArn = await KeyArnAsync("alias/e2e-cmk");
        Assert.Contains(await GrantsAsync(keyArn), g => (string?)g!["GranteePrincipal"] == "arn:aws:iam::111122223333:role/e2e-legacy");
        var stored = await World.GetPolicyAsync("s5-deprecated", Ct);
        Assert.Equal("arn:aws:iam::111122223333:role/e2e-legacy", (string?)stored!["spec"]!["kms"]!["grantees"]![0]);
        var events = await Eventually.WaitAsync(() => World.PolicyEventsAsync("s5-deprecated", Ct), e => e.Any(x => x.Reason == "DeprecatedField"), TimeSpan.FromSeconds(20), "a DeprecatedField event", Ct);
        Assert.Contains(events, x => x.Type == "Warning" && x.Message.Contains("spec.instanceRoles", StringComparison.Ordinal));
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
