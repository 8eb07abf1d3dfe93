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
        var s = new Scenario(spec => spec with { Kms = spec.Kms! with { Grantees = [Scenario.Ec2Role, Scenario.OtherRole] } });
        var result = await s.RunAsync();

        var grants = s.Aws.Grants[s.Key.Arn];
        Assert.Equal(2, grants.Count);
        var name = ResourceNames.Grant("prod", s.Spec);
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
        var s = new Scenario(spec => spec with { Kms = spec.Kms! with { Grantees = [Scenario.Ec2Role, Scenario.OtherRole] } });
        s.Aws.Grants[s.Key.Arn] = [new KmsGrant("foreign", "someone-else", Scenario.OtherRole, ["Decrypt"])];
        await s.RunAsync();
        s.Spec = s.Spec with { Kms = s.Spec.Kms! with { Grantees = [Scenario.Ec2Role] } };
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
        var name = ResourceNames.Grant("prod", s.Spec);
        s.Aws.Grants[s.Key.Arn] = [new KmsGrant("old", name, Scenario.Ec2Role, ["Decrypt"])];

        await s.RunAsync();

        var grant = Assert.Single(s.Aws.Grants[s.Key.Arn]);
        Assert.NotEqual("old", grant.GrantId);
        Assert.Equal(["Decrypt", "GenerateDataKey"], grant.Operations);
    }

    [Fact]
    public async Task S5_AWS_managed_key_gets_no_grants_and_the_condition_says_why()
    {
        var s = new Scenario(spec => spec with { Kms = new KmsSpec { KeyId = "alias/aws/ssm", Grantees = [Scenario.Ec2Role] } });
        s.Aws.AddKey("alias/aws/ssm", KmsKeyManager.Aws);

        var result = await s.RunAsync();

        Assert.DoesNotContain(s.Aws.Calls, c => c.Contains("Grant", StringComparison.Ordinal));
        var c = s.Condition(ConditionTypes.KmsGrantsReady);
        Assert.Equal(("True", "AwsManagedKeyNeedsNoGrants"), (c.Status, c.Reason));
        Assert.Contains("AWS-managed", c.Message);
        Assert.Equal("AwsManagedKey", s.Condition(ConditionTypes.EncryptionReady).Reason);
        Assert.Null(result.Status.Grants);
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
