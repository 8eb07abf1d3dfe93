using Amazon.S3.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Policy.Ports;
using BucketInfo = SessionAudit.Policy.Ports.BucketInfo;

namespace SessionAudit.Aws.Adapters;

/// <summary>Bucket existence (HeadBucket) and default encryption (GetBucketEncryption).</summary>
internal sealed class S3BucketAdapter(AwsClients clients) : IS3BucketPort
{
    public async Task<BucketInfo?> DescribeAsync(string bucketName, CancellationToken cancellationToken)
    {
        try
        {
            await clients.RunAsync(AwsService.S3, "HeadBucket",
                ct => clients.S3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucketName }, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            return null;
        }
        try
        {
            var response = await clients.RunAsync(AwsService.S3, "GetBucketEncryption",
                ct => clients.S3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucketName }, ct), cancellationToken).ConfigureAwait(false);
            var rule = response.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?.FirstOrDefault()?.ServerSideEncryptionByDefault;
            return rule is null
                ? new BucketInfo(bucketName, false)
                : new BucketInfo(bucketName, true, rule.ServerSideEncryptionAlgorithm?.Value, NullIfEmpty(rule.ServerSideEncryptionKeyManagementServiceKeyId));
        }
        catch (AwsFailure f) when (f.Code == "ServerSideEncryptionConfigurationNotFoundError")
        {
            return new BucketInfo(bucketName, false);
        }
        catch (AwsFailure f) when (f.Code == "NoSuchBucket")
        {
            return null;
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
