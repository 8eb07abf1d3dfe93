namespace SessionAudit.Policy.Ports;

/// <summary>Who manages a KMS key.</summary>
public enum KmsKeyManager
{
    /// <summary>KeyManager "AWS": an AWS-managed key (aws/ssm ...); needs no grants.</summary>
    Aws,
    /// <summary>KeyManager "CUSTOMER": a customer-managed key; instance roles need explicit permission.</summary>
    Customer,
}

/// <summary>What KMS DescribeKey says about a key.</summary>
/// <param name="KeyId">The key id (uuid or mrk-...).</param>
/// <param name="Arn">The key ARN.</param>
/// <param name="KeyManager">AWS or customer managed.</param>
/// <param name="KeyState">KeyState as AWS spells it: Enabled, Disabled, PendingDeletion, PendingImport, Unavailable, Creating...</param>
/// <param name="KeySpec">KeySpec as AWS spells it: SYMMETRIC_DEFAULT, RSA_2048, ECC_NIST_P256, HMAC_256...</param>
/// <param name="KeyUsage">KeyUsage as AWS spells it: ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC.</param>
public sealed record KmsKeyInfo(string KeyId, string Arn, KmsKeyManager KeyManager, string KeyState,
    string KeySpec = KmsKeyInfo.SymmetricDefault, string KeyUsage = KmsKeyInfo.EncryptDecrypt)
{
    /// <summary>The key spec of a symmetric encryption key, the only kind AWS services (and the SSM Agent) encrypt with.</summary>
    public const string SymmetricDefault = "SYMMETRIC_DEFAULT";

    /// <summary>The key usage of an encryption key.</summary>
    public const string EncryptDecrypt = "ENCRYPT_DECRYPT";

    /// <summary>True when the key can be used.</summary>
    public bool Enabled => KeyState == "Enabled";
}

/// <summary>KMS key look-ups (DescribeKey, which resolves aliases itself).</summary>
public interface IKmsKeyPort
{
    /// <summary>Describes a key given a key id, key ARN, alias name ("alias/x") or alias ARN; null when it does not exist (NotFoundException).</summary>
    Task<KmsKeyInfo?> DescribeAsync(string keyIdOrAlias, CancellationToken cancellationToken);
}
