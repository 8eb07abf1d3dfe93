using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>KMS DescribeKey (resolves ids, ARNs, aliases and alias ARNs itself).</summary>
internal sealed class KmsKeyAdapter(AwsClients clients) : IKmsKeyPort
{
    public async Task<KmsKeyInfo?> DescribeAsync(string keyIdOrAlias, CancellationToken cancellationToken)
    {
        try
        {
            var response = await clients.RunAsync(AwsService.Kms, "DescribeKey",
                ct => clients.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyIdOrAlias }, ct), cancellationToken).ConfigureAwait(false);
            var m = response.KeyMetadata ?? throw new AwsFailure(AwsFailureKind.Invalid, "DescribeKey returned no KeyMetadata");
            var manager = m.KeyManager == KeyManagerType.AWS ? KmsKeyManager.Aws : KmsKeyManager.Customer;
            return new KmsKeyInfo(m.KeyId, m.Arn, manager, m.KeyState?.Value ?? "Unavailable",
                m.KeySpec?.Value ?? KmsKeyInfo.SymmetricDefault, m.KeyUsage?.Value ?? KmsKeyInfo.EncryptDecrypt);
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            return null;
        }
    }
}
