namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>KMS keys, aliases and grants through the AWS CLI.</summary>
public sealed class KmsCliTests
{
    [Fact]
    public async Task Keys_aliases_and_paged_grants_behave_as_in_AWS()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);

        var managed = await aws.OkAsync("kms", "describe-key", "--key-id", "alias/aws/ssm");
        Assert.Equal("AWS", managed["KeyMetadata"]!["KeyManager"]!.GetValue<string>());
        Assert.Equal("Enabled", managed["KeyMetadata"]!["KeyState"]!.GetValue<string>());

        var key = await aws.OkAsync("kms", "create-key", "--description", "session data");
        string keyId = key["KeyMetadata"]!["KeyId"]!.GetValue<string>();
        string keyArn = key["KeyMetadata"]!["Arn"]!.GetValue<string>();
        Assert.Equal("CUSTOMER", key["KeyMetadata"]!["KeyManager"]!.GetValue<string>());
        Assert.Equal($"arn:aws:kms:us-east-1:000000000000:key/{keyId}", keyArn);

        await aws.OkAsync("kms", "create-alias", "--alias-name", "alias/session-manager", "--target-key-id", keyId);
        await aws.FailsAsync("AlreadyExistsException", "kms", "create-alias", "--alias-name", "alias/session-manager", "--target-key-id", keyId);
        await aws.FailsAsync("InvalidAliasNameException", "kms", "create-alias", "--alias-name", "alias/aws/mine", "--target-key-id", keyId);
        var byAlias = await aws.OkAsync("kms", "describe-key", "--key-id", "alias/session-manager");
        Assert.Equal(keyArn, byAlias["KeyMetadata"]!["Arn"]!.GetValue<string>());
        var aliases = await aws.OkAsync("kms", "list-aliases");
        Assert.Equal(2, aliases["Aliases"]!.AsArray().Count);

        string grantee = "arn:aws:iam::000000000000:role/ssm-instance";
        string? firstGrant = null;
        for (int i = 0; i < 3; i++)
        {
            var g = await aws.OkAsync("kms", "create-grant", "--key-id", keyId, "--grantee-principal", grantee, "--operations", "Decrypt", "GenerateDataKey", "--name", $"session-audit-{i}");
            firstGrant ??= g["GrantId"]!.GetValue<string>();
        }

        var page1 = await aws.OkAsync("kms", "list-grants", "--key-id", keyId, "--limit", "2", "--no-paginate");
        Assert.Equal(2, page1["Grants"]!.AsArray().Count);
        Assert.True(page1["Truncated"]!.GetValue<bool>());
        var page2 = await aws.OkAsync("kms", "list-grants", "--key-id", keyId, "--limit", "2", "--marker", page1["NextMarker"]!.GetValue<string>(), "--no-paginate");
        Assert.Single(page2["Grants"]!.AsArray());
        Assert.False(page2["Truncated"]!.GetValue<bool>());
        Assert.Equal(keyArn, page2["Grants"]![0]!["KeyId"]!.GetValue<string>());

        await aws.OkAsync("kms", "revoke-grant", "--key-id", keyId, "--grant-id", firstGrant!);
        await aws.OkAsync("kms", "retire-grant", "--key-id", keyId, "--grant-id", page2["Grants"]![0]!["GrantId"]!.GetValue<string>());
        await aws.FailsAsync("NotFoundException", "kms", "revoke-grant", "--key-id", keyId, "--grant-id", firstGrant!);
        await aws.FailsAsync("InvalidMarkerException", "kms", "list-grants", "--key-id", keyId, "--marker", "bogus", "--no-paginate");
        var left = await aws.OkAsync("kms", "list-grants", "--key-id", keyId);
        Assert.Single(left["Grants"]!.AsArray());

        await aws.OkAsync("kms", "disable-key", "--key-id", keyId);
        var disabled = await aws.OkAsync("kms", "describe-key", "--key-id", keyId);
        Assert.Equal("Disabled", disabled["KeyMetadata"]!["KeyState"]!.GetValue<string>());
        Assert.False(disabled["KeyMetadata"]!["Enabled"]!.GetValue<bool>());

        await aws.FailsAsync("ValidationException", "kms", "schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "5");
        var scheduled = await aws.OkAsync("kms", "schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "7");
        Assert.Equal("PendingDeletion", scheduled["KeyState"]!.GetValue<string>());
        await aws.FailsAsync("KMSInvalidStateException", "kms", "create-grant", "--key-id", keyId, "--grantee-principal", grantee, "--operations", "Decrypt");
        await aws.FailsAsync("NotFoundException", "kms", "describe-key", "--key-id", "1234abcd-12ab-34cd-56ef-1234567890ab");
    }
}
