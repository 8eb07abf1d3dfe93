using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>What a KMS key's KeySpec and KeyUsage allow (botocore kms CreateKeyRequest.KeyUsage, KeyMetadata and
/// CreateGrantRequest.Operations; KMS developer guide, "Key type reference" and "Grant operations").</summary>
internal static class KeyTypes
{
    private static readonly string[] Common = ["DescribeKey", "CreateGrant", "RetireGrant"];

    /// <summary>The key's usage: the given one when the spec allows it, ENCRYPT_DECRYPT when omitted for a symmetric
    /// encryption key; ValidationException otherwise.</summary>
    public static string CheckUsage(string spec, string? usage)
    {
        string[] allowed = spec switch
        {
            "SYMMETRIC_DEFAULT" => ["ENCRYPT_DECRYPT"],
            _ when spec.StartsWith("HMAC_", StringComparison.Ordinal) => ["GENERATE_VERIFY_MAC"],
            _ when spec.StartsWith("RSA_", StringComparison.Ordinal) => ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
            _ when spec.StartsWith("ECC_", StringComparison.Ordinal) => ["SIGN_VERIFY"],
            "SM2" => ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
            _ => [],
        };
        if (usage is null)
        {
            return spec == "SYMMETRIC_DEFAULT"
                ? "ENCRYPT_DECRYPT"
                : throw new AwsException("ValidationException", "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
        }

        return allowed.Contains(usage, StringComparer.Ordinal)
            ? usage
            : throw new AwsException("ValidationException", $"KeyUsage {usage} is not compatible with KeySpec {spec}. Use {string.Join(" or ", allowed)}.");
    }

    public static IReadOnlyList<string> EncryptionAlgorithms(string spec, string usage) => usage != "ENCRYPT_DECRYPT" ? [] : spec switch
    {
        "SYMMETRIC_DEFAULT" => ["SYMMETRIC_DEFAULT"],
        "SM2" => ["SM2PKE"],
        _ when spec.StartsWith("RSA_", StringComparison.Ordinal) => ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        _ => [],
    };

    public static IReadOnlyList<string> SigningAlgorithms(string spec, string usage) => usage != "SIGN_VERIFY" ? [] : spec switch
    {
        _ when spec.StartsWith("RSA_", StringComparison.Ordinal) =>
            ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"],
        "ECC_NIST_P256" or "ECC_SECG_P256K1" => ["ECDSA_SHA_256"],
        "ECC_NIST_P384" => ["ECDSA_SHA_384"],
        "ECC_NIST_P521" => ["ECDSA_SHA_512"],
        "SM2" => ["SM2DSA"],
        _ => [],
    };

    public static IReadOnlyList<string> MacAlgorithms(string spec, string usage) =>
        usage == "GENERATE_VERIFY_MAC" && spec.StartsWith("HMAC_", StringComparison.Ordinal) ? ["HMAC_SHA_" + spec["HMAC_".Length..]] : [];

    /// <summary>True when a grant may give <paramref name="operation"/> on a key of this type ("Grant operations").</summary>
    public static bool GrantOperationAllowed(string operation, string spec, string usage)
    {
        if (Common.Contains(operation, StringComparer.Ordinal)) return true;
        string[] ops = (spec, usage) switch
        {
            ("SYMMETRIC_DEFAULT", _) => ["Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo"],
            (_, "ENCRYPT_DECRYPT") => ["Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"],
            (_, "SIGN_VERIFY") => ["Sign", "Verify", "GetPublicKey"],
            (_, "GENERATE_VERIFY_MAC") => ["GenerateMac", "VerifyMac"],
            _ => [],
        };
        return ops.Contains(operation, StringComparer.Ordinal);
    }
}
