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

    [Fact]
    public async Task CreateKey_keeps_KeySpec_and_KeyUsage_and_refuses_combinations_AWS_refuses()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);

        var symmetric = (await aws.OkAsync("kms", "create-key"))["KeyMetadata"]!;
        Assert.Equal("SYMMETRIC_DEFAULT", (string?)symmetric["KeySpec"]);
        Assert.Equal("ENCRYPT_DECRYPT", (string?)symmetric["KeyUsage"]);
        Assert.Equal(["SYMMETRIC_DEFAULT"], symmetric["EncryptionAlgorithms"]!.AsArray().Select(a => (string)a!));

        var hmac = (await aws.OkAsync("kms", "create-key", "--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC"))["KeyMetadata"]!;
        var described = (await aws.OkAsync("kms", "describe-key", "--key-id", (string)hmac["KeyId"]!))["KeyMetadata"]!;
        Assert.Equal("HMAC_256", (string?)described["KeySpec"]);
        Assert.Equal("GENERATE_VERIFY_MAC", (string?)described["KeyUsage"]);
        Assert.Equal("CUSTOMER", (string?)described["KeyManager"]);
        Assert.Equal("Enabled", (string?)described["KeyState"]);
        Assert.Equal(["HMAC_SHA_256"], described["MacAlgorithms"]!.AsArray().Select(a => (string)a!));
        Assert.Null(described["EncryptionAlgorithms"]);

        var rsa = (await aws.OkAsync("kms", "create-key", "--key-spec", "RSA_2048", "--key-usage", "SIGN_VERIFY"))["KeyMetadata"]!;
        Assert.Equal("SIGN_VERIFY", (string?)rsa["KeyUsage"]);
        Assert.Contains("RSASSA_PSS_SHA_256", rsa["SigningAlgorithms"]!.AsArray().Select(a => (string)a!));

        // KeyUsage is required for every key but a symmetric encryption key, and must fit the spec.
        await aws.FailsAsync("ValidationException", "kms", "create-key", "--key-spec", "HMAC_256");
        await aws.FailsAsync("ValidationException", "kms", "create-key", "--key-spec", "ECC_NIST_P256", "--key-usage", "ENCRYPT_DECRYPT");
        await aws.FailsAsync("ValidationException", "kms", "create-key", "--key-spec", "HMAC_256", "--key-usage", "ENCRYPT_DECRYPT");
        await aws.FailsAsync("ValidationException", "kms", "create-key", "--key-usage", "SIGN_VERIFY");
    }

    [Fact]
    public async Task Only_an_enabled_symmetric_customer_key_encrypts_decrypts_and_makes_data_keys()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);
        const string Plain = "c2Vzc2lvbiBkYXRh"; // "session data"

        string keyId = (string)(await aws.OkAsync("kms", "create-key"))["KeyMetadata"]!["KeyId"]!;
        var sealedBlob = await aws.OkAsync("kms", "encrypt", "--key-id", keyId, "--plaintext", Plain);
        var opened = await aws.OkAsync("kms", "decrypt", "--ciphertext-blob", (string)sealedBlob["CiphertextBlob"]!);
        Assert.Equal(Plain, (string?)opened["Plaintext"]);
        Assert.Equal((string?)sealedBlob["KeyId"], (string?)opened["KeyId"]);
        var dataKey = await aws.OkAsync("kms", "generate-data-key", "--key-id", keyId, "--key-spec", "AES_256");
        Assert.Equal(32, Convert.FromBase64String((string)dataKey["Plaintext"]!).Length);

        string hmac = (string)(await aws.OkAsync("kms", "create-key", "--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC"))["KeyMetadata"]!["KeyId"]!;
        string signing = (string)(await aws.OkAsync("kms", "create-key", "--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY"))["KeyMetadata"]!["KeyId"]!;
        string rsa = (string)(await aws.OkAsync("kms", "create-key", "--key-spec", "RSA_2048", "--key-usage", "ENCRYPT_DECRYPT"))["KeyMetadata"]!["KeyId"]!;
        foreach (var key in new[] { hmac, signing, rsa })
        {
            await aws.FailsAsync("InvalidKeyUsageException", "kms", "generate-data-key", "--key-id", key, "--key-spec", "AES_256");
            await aws.FailsAsync("InvalidKeyUsageException", "kms", "encrypt", "--key-id", key, "--plaintext", Plain);
            await aws.FailsAsync("InvalidKeyUsageException", "kms", "decrypt", "--key-id", key, "--ciphertext-blob", (string)sealedBlob["CiphertextBlob"]!);
        }

        // An RSA encryption key encrypts with its own algorithms only.
        var rsaSealed = await aws.OkAsync("kms", "encrypt", "--key-id", rsa, "--plaintext", Plain, "--encryption-algorithm", "RSAES_OAEP_SHA_256");
        Assert.Equal("RSAES_OAEP_SHA_256", (string?)rsaSealed["EncryptionAlgorithm"]);

        // An AWS managed key is used only by its service on the caller's behalf, never directly.
        await aws.FailsAsync("AccessDeniedException", "kms", "encrypt", "--key-id", "alias/aws/ssm", "--plaintext", Plain);
        await aws.FailsAsync("AccessDeniedException", "kms", "generate-data-key", "--key-id", "alias/aws/s3", "--key-spec", "AES_256");

        await aws.OkAsync("kms", "disable-key", "--key-id", keyId);
        await aws.FailsAsync("DisabledException", "kms", "generate-data-key", "--key-id", keyId, "--key-spec", "AES_256");
        await aws.FailsAsync("DisabledException", "kms", "decrypt", "--ciphertext-blob", (string)sealedBlob["CiphertextBlob"]!);
    }

    [Fact]
    public async Task Grants_are_refused_on_AWS_managed_keys_by_alias_and_for_operations_the_key_cannot_do()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);
        const string Grantee = "arn:aws:iam::000000000000:role/ssm-instance";

        foreach (var managed in new[] { "alias/aws/ssm", "alias/aws/s3", "alias/aws/logs" })
        {
            var meta = (await aws.OkAsync("kms", "describe-key", "--key-id", managed))["KeyMetadata"]!;
            Assert.Equal("AWS", (string?)meta["KeyManager"]);
            Assert.Equal("SYMMETRIC_DEFAULT", (string?)meta["KeySpec"]);
            var refused = await aws.FailsAsync("AccessDeniedException", "kms", "create-grant", "--key-id", (string)meta["Arn"]!, "--grantee-principal", Grantee, "--operations", "Decrypt", "GenerateDataKey");
            Assert.Contains("kms:CreateGrant", refused.Stderr, StringComparison.Ordinal);
        }

        // The same alias names the same AWS managed key every time.
        var first = (await aws.OkAsync("kms", "describe-key", "--key-id", "alias/aws/ssm"))["KeyMetadata"]!;
        var again = (await aws.OkAsync("kms", "describe-key", "--key-id", "alias/aws/ssm"))["KeyMetadata"]!;
        Assert.Equal((string?)first["Arn"], (string?)again["Arn"]);

        string keyId = (string)(await aws.OkAsync("kms", "create-key"))["KeyMetadata"]!["KeyId"]!;
        await aws.OkAsync("kms", "create-alias", "--alias-name", "alias/sessions", "--target-key-id", keyId);
        await aws.FailsAsync("InvalidArnException", "kms", "create-grant", "--key-id", "alias/sessions", "--grantee-principal", Grantee, "--operations", "Decrypt");
        await aws.FailsAsync("ValidationException", "kms", "create-grant", "--key-id", keyId, "--grantee-principal", Grantee, "--operations", "Sign");
        string hmac = (string)(await aws.OkAsync("kms", "create-key", "--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC"))["KeyMetadata"]!["KeyId"]!;
        await aws.FailsAsync("ValidationException", "kms", "create-grant", "--key-id", hmac, "--grantee-principal", Grantee, "--operations", "Decrypt", "GenerateDataKey");
        await aws.OkAsync("kms", "create-grant", "--key-id", hmac, "--grantee-principal", Grantee, "--operations", "GenerateMac");
    }
}
