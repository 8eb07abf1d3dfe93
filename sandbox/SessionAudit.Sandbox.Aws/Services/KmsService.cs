using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>KMS keys, aliases (AWS-managed ones appear on first use) and grants.</summary>
internal static class KmsService
{
    public static void Register(HandlerTable t)
    {
        t.Add("kms", "CreateKey", CreateKey);
        t.Add("kms", "DescribeKey", DescribeKey);
        t.Add("kms", "CreateAlias", CreateAlias);
        t.Add("kms", "DeleteAlias", DeleteAlias);
        t.Add("kms", "ListAliases", ListAliases);
        t.Add("kms", "CreateGrant", CreateGrant);
        t.Add("kms", "ListGrants", ListGrants);
        t.Add("kms", "RetireGrant", RetireGrant);
        t.Add("kms", "RevokeGrant", RevokeGrant);
        t.Add("kms", "DisableKey", DisableKey);
        t.Add("kms", "EnableKey", EnableKey);
        t.Add("kms", "ScheduleKeyDeletion", ScheduleKeyDeletion);
        t.Add("kms", "CancelKeyDeletion", CancelKeyDeletion);
        t.Add("kms", "Encrypt", Encrypt);
        t.Add("kms", "Decrypt", Decrypt);
        t.Add("kms", "GenerateDataKey", GenerateDataKey);
    }

    internal static KmsKey NewKey(CallContext ctx, RegionState state, string keyManager, string description, string? keyId = null)
    {
        string id = keyId ?? ctx.Core.Uuid();
        var key = new KmsKey { KeyId = id, Arn = $"arn:aws:kms:{ctx.Region}:{ctx.Account}:key/{id}", KeyManager = keyManager, Description = description, CreationDate = ctx.Now };
        state.Keys[id] = key;
        return key;
    }

    private static JsonObject? CreateKey(CallContext ctx, JsonObject input)
    {
        // CustomerMasterKeySpec is the deprecated name of KeySpec (botocore kms CreateKeyRequest).
        string spec = input.Str("KeySpec") ?? input.Str("CustomerMasterKeySpec") ?? "SYMMETRIC_DEFAULT";
        string usage = KeyTypes.CheckUsage(spec, input.Str("KeyUsage"));
        var key = NewKey(ctx, ctx.State, "CUSTOMER", input.Str("Description") ?? "");
        key.KeySpec = spec;
        key.KeyUsage = usage;
        return new JsonObject { ["KeyMetadata"] = Metadata(ctx, key) };
    }

    private static JsonObject? DescribeKey(CallContext ctx, JsonObject input) =>
        new() { ["KeyMetadata"] = Metadata(ctx, Resolve(ctx, input.Req("KeyId"))) };

    /// <summary>Finds a key by id, key ARN, alias name or alias ARN; alias/aws/* keys are created on first use.</summary>
    internal static KmsKey Resolve(CallContext ctx, string keyId)
    {
        var state = ctx.State;
        string id = keyId;
        if (id.StartsWith("arn:", StringComparison.Ordinal))
        {
            var parts = id.Split(':');
            if (parts.Length < 6 || parts[2] != "kms") throw new AwsException("NotFoundException", $"Invalid keyId '{keyId}'");
            if (parts[4] != ctx.Account || parts[3] != ctx.Region) state = ctx.World.Region(parts[4], parts[3]);
            id = parts[5];
            if (id.StartsWith("key/", StringComparison.Ordinal)) id = id[4..];
        }

        if (id.StartsWith("alias/", StringComparison.Ordinal))
        {
            if (state.Aliases.TryGetValue(id, out var target) && state.Keys.TryGetValue(target, out var aliased)) return aliased;
            if (id.StartsWith("alias/aws/", StringComparison.Ordinal) && id.Length > "alias/aws/".Length)
            {
                string svc = id["alias/aws/".Length..];
                var managed = NewKey(ctx, state, "AWS", $"Default key that protects my {svc.ToUpperInvariant()} data when no other key is defined");
                state.Aliases[id] = managed.KeyId;
                return managed;
            }

            throw new AwsException("NotFoundException", $"Alias {AliasArn(ctx, id)} is not found.");
        }

        return state.Keys.TryGetValue(id, out var key) ? key : throw new AwsException("NotFoundException", $"Key '{KeyArn(ctx, id)}' does not exist");
    }

    private static string KeyArn(CallContext ctx, string id) => $"arn:aws:kms:{ctx.Region}:{ctx.Account}:key/{id}";

    private static string AliasArn(CallContext ctx, string alias) => $"arn:aws:kms:{ctx.Region}:{ctx.Account}:{alias}";

    private static JsonObject Metadata(CallContext ctx, KmsKey k) => new()
    {
        ["AWSAccountId"] = k.Arn.Split(':')[4],
        ["KeyId"] = k.KeyId,
        ["Arn"] = k.Arn,
        ["CreationDate"] = Json.Time(k.CreationDate),
        ["Enabled"] = k.KeyState == "Enabled",
        ["Description"] = k.Description,
        ["KeyUsage"] = k.KeyUsage,
        ["KeyState"] = k.KeyState,
        ["DeletionDate"] = Json.Time(k.DeletionDate),
        ["Origin"] = "AWS_KMS",
        ["KeyManager"] = k.KeyManager,
        ["CustomerMasterKeySpec"] = k.KeySpec,
        ["KeySpec"] = k.KeySpec,
        ["EncryptionAlgorithms"] = KeyTypes.EncryptionAlgorithms(k.KeySpec, k.KeyUsage) is { Count: > 0 } enc ? Json.Array(enc) : null,
        ["SigningAlgorithms"] = KeyTypes.SigningAlgorithms(k.KeySpec, k.KeyUsage) is { Count: > 0 } sign ? Json.Array(sign) : null,
        ["MacAlgorithms"] = KeyTypes.MacAlgorithms(k.KeySpec, k.KeyUsage) is { Count: > 0 } mac ? Json.Array(mac) : null,
        ["MultiRegion"] = false,
        ["PendingDeletionWindowInDays"] = k.KeyState == "PendingDeletion" ? k.PendingWindowInDays : null,
    };

    private static JsonObject? CreateAlias(CallContext ctx, JsonObject input)
    {
        string alias = input.Req("AliasName");
        if (!alias.StartsWith("alias/", StringComparison.Ordinal) || alias.StartsWith("alias/aws/", StringComparison.Ordinal))
        {
            throw new AwsException("InvalidAliasNameException", "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
        }

        if (ctx.State.Aliases.ContainsKey(alias)) throw new AwsException("AlreadyExistsException", $"An alias with the name {AliasArn(ctx, alias)} already exists");
        var key = Resolve(ctx, input.Req("TargetKeyId"));
        if (key.KeyManager == "AWS") throw new AwsException("NotFoundException", "Cannot alias an AWS managed key.");
        if (key.KeyState == "PendingDeletion") throw new AwsException("KMSInvalidStateException", $"{key.Arn} is pending deletion.");
        ctx.State.Aliases[alias] = key.KeyId;
        return null;
    }

    private static JsonObject? DeleteAlias(CallContext ctx, JsonObject input)
    {
        string alias = input.Req("AliasName");
        if (!ctx.State.Aliases.Remove(alias)) throw new AwsException("NotFoundException", $"Alias {AliasArn(ctx, alias)} is not found.");
        return null;
    }

    private static JsonObject? ListAliases(CallContext ctx, JsonObject input)
    {
        IEnumerable<KeyValuePair<string, string>> aliases = ctx.State.Aliases;
        if (input.Str("KeyId") is { } keyId)
        {
            var key = Resolve(ctx, keyId);
            aliases = aliases.Where(a => a.Value == key.KeyId);
        }

        var (page, next) = Paging.Page(aliases, input.Str("Marker"), (int)(input.Long("Limit") ?? 50), "InvalidMarkerException");
        return new JsonObject
        {
            ["Aliases"] = Json.Array(page, a => new JsonObject
            {
                ["AliasName"] = a.Key,
                ["AliasArn"] = AliasArn(ctx, a.Key),
                ["TargetKeyId"] = a.Value,
                ["CreationDate"] = ctx.State.Keys.TryGetValue(a.Value, out var k) ? Json.Time(k.CreationDate) : null,
            }),
            ["NextMarker"] = next,
            ["Truncated"] = next is not null,
        };
    }

    private static JsonObject? CreateGrant(CallContext ctx, JsonObject input)
    {
        string keyId = input.Req("KeyId");
        if (IsAlias(keyId))
        {
            // CreateGrant takes a key id or key ARN only (botocore kms CreateGrantRequest.KeyId).
            throw new AwsException("InvalidArnException", "Key Aliases are not supported for this operation.");
        }

        var key = Resolve(ctx, keyId);
        if (key.KeyManager == "AWS")
        {
            // An AWS managed key's policy allows kms:CreateGrant only through its service (kms:ViaService), never to a
            // direct caller, and nobody can change that policy.
            throw NotAuthorized(ctx, "CreateGrant", key);
        }

        if (key.KeyState == "PendingDeletion") throw new AwsException("KMSInvalidStateException", $"{key.Arn} is pending deletion.");
        string grantee = input.Req("GranteePrincipal");
        var ops = input.Strings("Operations").ToList();
        if (ops.FirstOrDefault(op => !KeyTypes.GrantOperationAllowed(op, key.KeySpec, key.KeyUsage)) is { } badOp)
        {
            throw new AwsException("ValidationException", $"Grant operation {badOp} is not valid for a KMS key with KeySpec {key.KeySpec} and KeyUsage {key.KeyUsage}.");
        }

        string? name = input.Str("Name");
        if (name is not null && key.Grants.FirstOrDefault(g => g.Name == name && g.GranteePrincipal == grantee && g.Operations.SequenceEqual(ops)) is { } same)
        {
            // AWS answers a repeated named grant with the same grant id.
            return new JsonObject { ["GrantToken"] = same.GrantToken, ["GrantId"] = same.GrantId };
        }

        if (key.Grants.Count >= 50000) throw new AwsException("LimitExceededException", "Too many grants on this key.");
        var grant = new KmsGrant
        {
            GrantId = ctx.Core.Hex(64),
            GrantToken = Convert.ToBase64String(Convert.FromHexString(ctx.Core.Hex(96))),
            Name = name,
            GranteePrincipal = grantee,
            RetiringPrincipal = input.Str("RetiringPrincipal"),
            Operations = ops,
            CreationDate = ctx.Now,
            IssuingAccount = $"arn:aws:iam::{ctx.Account}:root",
        };
        key.Grants.Add(grant);
        return new JsonObject { ["GrantToken"] = grant.GrantToken, ["GrantId"] = grant.GrantId };
    }

    private static JsonObject? ListGrants(CallContext ctx, JsonObject input)
    {
        var key = Resolve(ctx, input.Req("KeyId"));
        IEnumerable<KmsGrant> grants = key.Grants;
        if (input.Str("GrantId") is { } gid) grants = grants.Where(g => g.GrantId == gid);
        if (input.Str("GranteePrincipal") is { } gp) grants = grants.Where(g => g.GranteePrincipal == gp);
        int limit = (int)(input.Long("Limit") ?? 50);
        if (limit > 100) throw new AwsException("ValidationException", $"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
        var (page, next) = Paging.Page(grants, input.Str("Marker"), limit, "InvalidMarkerException");
        return new JsonObject
        {
            ["Grants"] = Json.Array(page, g => new JsonObject
            {
                ["KeyId"] = key.Arn,
                ["GrantId"] = g.GrantId,
                ["Name"] = g.Name,
                ["CreationDate"] = Json.Time(g.CreationDate),
                ["GranteePrincipal"] = g.GranteePrincipal,
                ["RetiringPrincipal"] = g.RetiringPrincipal,
                ["IssuingAccount"] = g.IssuingAccount,
                ["Operations"] = Json.Array(g.Operations),
            }),
            ["NextMarker"] = next,
            ["Truncated"] = next is not null,
        };
    }

    private static JsonObject? RetireGrant(CallContext ctx, JsonObject input)
    {
        if (input.Str("GrantToken") is { } token)
        {
            foreach (var key in ctx.State.Keys.Values)
            {
                if (key.Grants.RemoveAll(g => g.GrantToken == token) > 0) return null;
            }

            throw new AwsException("InvalidGrantTokenException", "Grant token is not valid.");
        }

        if (input.Str("KeyId") is { } keyId && input.Str("GrantId") is { } grantId)
        {
            var key = Resolve(ctx, keyId);
            if (key.Grants.RemoveAll(g => g.GrantId == grantId) == 0) throw new AwsException("NotFoundException", $"Grant ID {grantId} not found");
            return null;
        }

        throw new AwsException("ValidationException", "Either GrantToken or both KeyId and GrantId must be specified.");
    }

    private static JsonObject? RevokeGrant(CallContext ctx, JsonObject input)
    {
        var key = Resolve(ctx, input.Req("KeyId"));
        string grantId = input.Req("GrantId");
        if (key.Grants.RemoveAll(g => g.GrantId == grantId) == 0) throw new AwsException("NotFoundException", $"Grant ID {grantId} not found");
        return null;
    }

    private static KmsKey Customer(CallContext ctx, string keyId, string action)
    {
        var key = Resolve(ctx, keyId);
        if (key.KeyManager == "AWS") throw new AwsException("UnsupportedOperationException", $"You cannot {action} an AWS managed key.");
        return key;
    }

    private static JsonObject? DisableKey(CallContext ctx, JsonObject input)
    {
        var key = Customer(ctx, input.Req("KeyId"), "disable");
        if (key.KeyState == "PendingDeletion") throw new AwsException("KMSInvalidStateException", $"{key.Arn} is pending deletion.");
        key.KeyState = "Disabled";
        return null;
    }

    private static JsonObject? EnableKey(CallContext ctx, JsonObject input)
    {
        var key = Customer(ctx, input.Req("KeyId"), "enable");
        if (key.KeyState == "PendingDeletion") throw new AwsException("KMSInvalidStateException", $"{key.Arn} is pending deletion.");
        key.KeyState = "Enabled";
        return null;
    }

    private static JsonObject? ScheduleKeyDeletion(CallContext ctx, JsonObject input)
    {
        var key = Customer(ctx, input.Req("KeyId"), "schedule deletion of");
        if (key.KeyState == "PendingDeletion") throw new AwsException("KMSInvalidStateException", $"{key.Arn} is pending deletion.");
        int days = (int)(input.Long("PendingWindowInDays") ?? 30);
        if (days is < 7 or > 30)
        {
            // KMS narrows the model's 1..365 to 7..30.
            throw new AwsException("ValidationException", $"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value {(days < 7 ? "greater than or equal to 7" : "less than or equal to 30")}");
        }

        key.KeyState = "PendingDeletion";
        key.PendingWindowInDays = days;
        key.DeletionDate = ctx.Now.AddDays(days);
        return new JsonObject
        {
            ["KeyId"] = key.Arn,
            ["DeletionDate"] = Json.Time(key.DeletionDate),
            ["KeyState"] = key.KeyState,
            ["PendingWindowInDays"] = days,
        };
    }

    private static JsonObject? CancelKeyDeletion(CallContext ctx, JsonObject input)
    {
        var key = Customer(ctx, input.Req("KeyId"), "cancel deletion of");
        if (key.KeyState != "PendingDeletion") throw new AwsException("KMSInvalidStateException", $"{key.Arn} is not pending deletion.");
        key.KeyState = "Disabled";
        key.DeletionDate = null;
        key.PendingWindowInDays = null;
        return new JsonObject { ["KeyId"] = key.Arn };
    }

    private static bool IsAlias(string keyId) =>
        keyId.StartsWith("alias/", StringComparison.Ordinal) || (keyId.StartsWith("arn:", StringComparison.Ordinal) && keyId.Split(':') is { Length: >= 6 } p && p[5].StartsWith("alias/", StringComparison.Ordinal));

    private static AwsException NotAuthorized(CallContext ctx, string action, KmsKey key) =>
        new("AccessDeniedException", $"User: {ctx.CallerArn} is not authorized to perform: kms:{action} on resource: {key.Arn} because no resource-based policy allows the kms:{action} action");

    /// <summary>The key of a cryptographic operation: a customer key (an AWS managed key is used only by its service, on
    /// the caller's behalf), enabled, with usage ENCRYPT_DECRYPT; algorithm one the key supports.</summary>
    private static KmsKey ForCrypto(CallContext ctx, string keyId, string operation, string algorithm)
    {
        var key = Resolve(ctx, keyId);
        if (key.KeyManager == "AWS") throw NotAuthorized(ctx, operation, key);
        if (key.KeyState == "Disabled") throw new AwsException("DisabledException", $"{key.Arn} is disabled.");
        if (key.KeyState != "Enabled") throw new AwsException("KMSInvalidStateException", $"{key.Arn} is {(key.KeyState == "PendingDeletion" ? "pending deletion" : key.KeyState)}.");
        if (key.KeyUsage != "ENCRYPT_DECRYPT")
        {
            throw new AwsException("InvalidKeyUsageException", $"{key.Arn} key usage is {key.KeyUsage} which is not valid for {operation}.");
        }

        if (!KeyTypes.EncryptionAlgorithms(key.KeySpec, key.KeyUsage).Contains(algorithm, StringComparer.Ordinal))
        {
            throw new AwsException("InvalidKeyUsageException", $"Algorithm {algorithm} is incompatible with key spec {key.KeySpec}.");
        }

        return key;
    }

    // A stand-in ciphertext: the key ARN and the plaintext, so Decrypt can name the key as AWS does. Not encryption.
    private static string Seal(KmsKey key, byte[] plaintext) =>
        Convert.ToBase64String([.. System.Text.Encoding.UTF8.GetBytes($"sbxkms:{key.Arn}:"), .. plaintext]);

    private static JsonObject? Encrypt(CallContext ctx, JsonObject input)
    {
        string algorithm = input.Str("EncryptionAlgorithm") ?? "SYMMETRIC_DEFAULT";
        var key = ForCrypto(ctx, input.Req("KeyId"), "Encrypt", algorithm);
        var plaintext = Convert.FromBase64String(input.Req("Plaintext"));
        return new JsonObject { ["CiphertextBlob"] = Seal(key, plaintext), ["KeyId"] = key.Arn, ["EncryptionAlgorithm"] = algorithm };
    }

    private static JsonObject? Decrypt(CallContext ctx, JsonObject input)
    {
        byte[] blob = Convert.FromBase64String(input.Req("CiphertextBlob"));
        string text = System.Text.Encoding.UTF8.GetString(blob);
        const string Magic = "sbxkms:";
        int end = text.StartsWith(Magic, StringComparison.Ordinal) ? text.IndexOf(':', text.IndexOf(":key/", StringComparison.Ordinal) + 5) : -1;
        if (end < 0) throw new AwsException("InvalidCiphertextException", "");
        string keyArn = text[Magic.Length..end];
        string algorithm = input.Str("EncryptionAlgorithm") ?? "SYMMETRIC_DEFAULT";
        var key = ForCrypto(ctx, input.Str("KeyId") ?? keyArn, "Decrypt", algorithm);
        if (key.Arn != keyArn) throw new AwsException("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
        int prefix = System.Text.Encoding.UTF8.GetByteCount(text[..(end + 1)]);
        return new JsonObject { ["KeyId"] = key.Arn, ["Plaintext"] = Convert.ToBase64String(blob[prefix..]), ["EncryptionAlgorithm"] = algorithm };
    }

    private static JsonObject? GenerateDataKey(CallContext ctx, JsonObject input)
    {
        // Data keys need a symmetric encryption key: SYMMETRIC_DEFAULT is the only algorithm that passes.
        var key = ForCrypto(ctx, input.Req("KeyId"), "GenerateDataKey", "SYMMETRIC_DEFAULT");
        long? bytes = input.Long("NumberOfBytes");
        string? spec = input.Str("KeySpec");
        if ((bytes is null) == (spec is null)) throw new AwsException("ValidationException", "Please specify either number of bytes or key spec.");
        int length = (int)(bytes ?? (spec == "AES_128" ? 16 : 32));
        var plaintext = Convert.FromHexString(ctx.Core.Hex(length * 2));
        return new JsonObject { ["CiphertextBlob"] = Seal(key, plaintext), ["Plaintext"] = Convert.ToBase64String(plaintext), ["KeyId"] = key.Arn };
    }
}
