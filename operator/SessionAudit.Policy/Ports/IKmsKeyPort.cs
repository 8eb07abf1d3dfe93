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
public sealed record KmsKeyInfo(string KeyId, string Arn, KmsKeyManager KeyManager, string KeyState)
{
    /// <summary>True when the key can be used.</summary>
    public bool Enabled => KeyState == "Enabled";
}

/// <summary>KMS key look-ups (DescribeKey, which resolves aliases itself).</summary>
public interface IKmsKeyPort
{
    /// <summary>Describes a key given a key id, key ARN, alias name ("alias/x") or alias ARN; null when it does not exist (NotFoundException).</summary>
    Task<KmsKeyInfo?> DescribeAsync(string keyIdOrAlias, CancellationToken cancellationToken);
}
