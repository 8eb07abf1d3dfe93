using System.Text.Json.Nodes;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

public sealed class GrantTests
{
    [Fact]
    public async Task S5_customer_key_gets_one_named_grant_per_grantee_and_a_rerun_finds_them()
    {
        var s = new Scenario(spec => spec with { InstanceRoles = [Scenario.Ec2Role, Scenario.OtherRole] });
        var result = await s.RunAsync();

        var grants = s.Aws.Grants[s.Key.Arn];
        Assert.Equal(2, grants.Count);
        var name = ResourceNames.Grant("prod", s.Spec, null);
        Assert.All(grants, g => Assert.Equal(name, g.Name));
        Assert.All(grants, g => Assert.Equal(["Decrypt", "GenerateDataKey"], g.Operations));
        Assert.Equal([Scenario.Ec2Role, Scenario.OtherRole], result.Status.Grants!.Select(g => g.Grantee));
        Assert.Equal("True", s.Condition(ConditionTypes.KmsGrantsReady).Status);

        // A lost status (e.g. a restore) still finds the grants by name: no duplicates.
        s.Policy = s.Policy with { Status = null };
        s.Aws.ResetCalls();
        await s.RunAsync();
        Assert.DoesNotContain("write:CreateGrant", s.Aws.Calls);
        Assert.Equal(2, s.Aws.Grants[s.Key.Arn].Count);
    }

    [Fact]
    public async Task S5_removed_grantee_has_its_grant_retired_and_foreign_grants_stay()
    {
        var s = new Scenario(spec => spec with { InstanceRoles = [Scenario.Ec2Role, Scenario.OtherRole] });
        s.Aws.Grants[s.Key.Arn] = [new KmsGrant("foreign", "someone-else", Scenario.OtherRole, ["Decrypt"])];
        await s.RunAsync();
        s.Spec = s.Spec with { InstanceRoles = [Scenario.Ec2Role] };
        s.Aws.ResetCalls();

        var result = await s.RunAsync();

        Assert.Equal(["write:RevokeGrant"], s.Aws.Calls.Where(c => c.StartsWith("write:", StringComparison.Ordinal)));
        Assert.Contains(s.Aws.Grants[s.Key.Arn], g => g.GrantId == "foreign");
        Assert.DoesNotContain(s.Aws.Grants[s.Key.Arn], g => g.GranteePrincipal == Scenario.OtherRole && g.GrantId != "foreign");
        Assert.Equal([Scenario.Ec2Role], result.Status.Grants!.Select(g => g.Grantee));
        Assert.Contains(result.Events, e => e.Reason == "GrantRetired");
    }

    [Fact]
    public async Task S5_grant_with_wrong_operations_is_replaced_not_updated()
    {
        var s = new Scenario();
        var name = ResourceNames.Grant("prod", s.Spec, null);
        s.Aws.Grants[s.Key.Arn] = [new KmsGrant("old", name, Scenario.Ec2Role, ["Decrypt"])];

        await s.RunAsync();

        var grant = Assert.Single(s.Aws.Grants[s.Key.Arn]);
        Assert.NotEqual("old", grant.GrantId);
        Assert.Equal(["Decrypt", "GenerateDataKey"], grant.Operations);
    }

    [Fact]
    public async Task S5_AWS_managed_session_key_is_refused_gets_no_grants_and_kmsKeyId_is_held()
    {
        var s = new Scenario(spec => spec with { Kms = new KmsSpec { KeyId = "alias/aws/ssm" }, InstanceRoles = [Scenario.Ec2Role] });

        var result = await s.RunAsync();

        Assert.DoesNotContain(s.Aws.Calls, c => c.Contains("Grant", StringComparison.Ordinal));
        var encryption = s.Condition(ConditionTypes.EncryptionReady);
        Assert.Equal(("False", "AwsManagedKey"), (encryption.Status, encryption.Reason));
        Assert.Contains("customer-managed symmetric key", encryption.Message);
        Assert.Equal(("False", "KeyNotReady"), (s.Condition(ConditionTypes.KmsGrantsReady).Status, s.Condition(ConditionTypes.KmsGrantsReady).Reason));
        Assert.Equal("", JsonNode.Parse(s.Aws.DefaultContent(SessionLoggingPolicySpec.DefaultDocumentName))!["inputs"]!["kmsKeyId"]!.GetValue<string>());
        Assert.Null(result.Status.Grants);
    }

    [Fact]
    public async Task S5_instanceRoles_get_grants_on_the_session_key_and_on_the_buckets_customer_key()
    {
        var s = new Scenario(spec => spec with { Kms = new KmsSpec { KeyId = "alias/session-manager" }, InstanceRoles = [Scenario.Ec2Role, Scenario.OtherRole] });
        var bucketKey = s.Aws.AddKey("alias/bucket", KmsKeyManager.Customer);
        s.Aws.Buckets[Scenario.Bucket] = new BucketInfo(Scenario.Bucket, true, "aws:kms", "alias/bucket");

        var result = await s.RunAsync();

        var name = ResourceNames.Grant("prod", s.Spec, null);
        foreach (var keyArn in new[] { s.Key.Arn, bucketKey.Arn })
        {
            var grants = s.Aws.Grants[keyArn];
            Assert.Equal([Scenario.Ec2Role, Scenario.OtherRole], grants.Select(g => g.GranteePrincipal).Order(StringComparer.Ordinal).Reverse());
            Assert.All(grants, g => Assert.Equal((name, "Decrypt,GenerateDataKey"), (g.Name!, string.Join(",", g.Operations))));
        }

        Assert.Equal(4, result.Status.Grants!.Count);
        Assert.Equal(2, result.Status.Grants.Count(g => g.KeyArn == bucketKey.Arn));
        Assert.Equal(("True", "GrantsReady"), (s.Condition(ConditionTypes.KmsGrantsReady).Status, s.Condition(ConditionTypes.KmsGrantsReady).Reason));
        Assert.Contains("customer-managed", s.Condition(ConditionTypes.S3Ready).Message);

        s.Aws.ResetCalls();
        await s.RunAsync();
        Assert.DoesNotContain("write:CreateGrant", s.Aws.Calls);
    }

    [Fact]
    public async Task S5_a_bucket_encrypted_with_aws_s3_or_SSE_S3_needs_no_grant()
    {
        var s = new Scenario(spec => spec with { Kms = null, InstanceRoles = [Scenario.Ec2Role] });
        s.Aws.Buckets[Scenario.Bucket] = new BucketInfo(Scenario.Bucket, true, "aws:kms");

        await s.RunAsync();

        Assert.DoesNotContain(s.Aws.Calls, c => c.Contains("Grant", StringComparison.Ordinal));
        Assert.Equal(("True", "NotConfigured"), (s.Condition(ConditionTypes.KmsGrantsReady).Status, s.Condition(ConditionTypes.KmsGrantsReady).Reason));
        Assert.Equal("True", s.Condition(ConditionTypes.S3Ready).Status);
    }

    [Theory]
    [InlineData("Disabled", "BucketKeyNotEnabled")]
    [InlineData("PendingDeletion", "BucketKeyNotEnabled")]
    [InlineData(null, "BucketKeyNotFound")]
    public async Task S2_a_bucket_key_that_stops_uploads_holds_the_S3_settings_and_gets_no_grants(string? state, string reason)
    {
        var s = new Scenario(spec => spec with { Kms = null, InstanceRoles = [Scenario.Ec2Role] });
        if (state is not null)
        {
            s.Aws.AddKey("alias/bucket", KmsKeyManager.Customer, state);
        }

        s.Aws.Buckets[Scenario.Bucket] = new BucketInfo(Scenario.Bucket, true, "aws:kms", "alias/bucket");

        await s.RunAsync();

        var s3 = s.Condition(ConditionTypes.S3Ready);
        Assert.Equal(("False", reason), (s3.Status, s3.Reason));
        Assert.Equal("", JsonNode.Parse(s.Aws.DefaultContent(SessionLoggingPolicySpec.DefaultDocumentName))!["inputs"]!["s3BucketName"]!.GetValue<string>());
        Assert.DoesNotContain("write:CreateGrant", s.Aws.Calls);
        Assert.Equal("KeyNotReady", s.Condition(ConditionTypes.KmsGrantsReady).Reason);
    }

    [Fact]
    public async Task S5_deprecated_kms_grantees_still_grant_and_a_Warning_says_to_move_them()
    {
        var s = new Scenario(spec => spec with { InstanceRoles = null, Kms = spec.Kms! with { Grantees = [Scenario.Ec2Role] } });

        var result = await s.RunAsync();

        Assert.Equal([Scenario.Ec2Role], s.Aws.Grants[s.Key.Arn].Select(g => g.GranteePrincipal));
        Assert.Contains(result.Events, e => e.Type == "Warning" && e.Reason == "DeprecatedField" && e.Message.Contains("spec.instanceRoles", StringComparison.Ordinal));
        Assert.Contains("spec.kms.grantees is deprecated", s.Condition(ConditionTypes.KmsGrantsReady).Message);

        // Moving them keeps the same grants: nothing is written.
        s.Spec = s.Spec with { Kms = s.Spec.Kms! with { Grantees = null }, InstanceRoles = [Scenario.Ec2Role] };
        s.Aws.ResetCalls();
        result = await s.RunAsync();
        Assert.DoesNotContain(s.Aws.Calls, c => c is "write:CreateGrant" or "write:RevokeGrant");
        Assert.DoesNotContain(result.Events, e => e.Reason == "DeprecatedField");
        Assert.DoesNotContain("deprecated", s.Condition(ConditionTypes.KmsGrantsReady).Message);
    }

    [Fact]
    public async Task S5_deletion_revokes_grants_on_the_buckets_key_too()
    {
        var s = new Scenario(spec => spec with { Kms = new KmsSpec { KeyId = "alias/session-manager" }, InstanceRoles = [Scenario.Ec2Role], DeletionPolicy = DeletionPolicy.Delete });
        var bucketKey = s.Aws.AddKey("alias/bucket", KmsKeyManager.Customer);
        s.Aws.Buckets[Scenario.Bucket] = new BucketInfo(Scenario.Bucket, true, "aws:kms", bucketKey.Arn);
        await s.RunAsync();
        Assert.Single(s.Aws.Grants[bucketKey.Arn]);

        // Even with status lost, the bucket's key is found from the bucket.
        s.Policy = s.Policy with { Status = null, Metadata = s.Policy.Metadata with { DeletionRequested = true } };
        await s.RunAsync();

        Assert.Empty(s.Aws.Grants[bucketKey.Arn]);
        Assert.Empty(s.Aws.Grants[s.Key.Arn]);
    }

    [Fact]
    public async Task S5_switching_keys_retires_grants_on_the_old_key()
    {
        var s = new Scenario();
        await s.RunAsync();
        var newKey = s.Aws.AddKey("alias/new", KmsKeyManager.Customer);
        s.Spec = s.Spec with { Kms = s.Spec.Kms! with { KeyId = "alias/new" } };

        var result = await s.RunAsync();

        Assert.Empty(s.Aws.Grants[s.Key.Arn]);
        Assert.Single(s.Aws.Grants[newKey.Arn]);
        Assert.Equal(newKey.Arn, Assert.Single(result.Status.Grants!).KeyArn);
    }
}
