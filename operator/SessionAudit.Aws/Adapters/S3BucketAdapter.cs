using System.Net;
using Amazon.S3.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Policy.Ports;
using BucketInfo = SessionAudit.Policy.Ports.BucketInfo;

namespace SessionAudit.Aws.Adapters;

/// <summary>Bucket existence and default encryption: GetBucketEncryption, and HeadBucket only when that answers 404.</summary>
/// <remarks>
/// S3 answers GetBucketEncryption with the rules of an encrypted bucket, 404 <c>ServerSideEncryptionConfigurationNotFoundError</c>
/// for a bucket without default encryption and 404 <c>NoSuchBucket</c> for a missing one. AWSSDK.S3 4.1 does not throw
/// for either 404: it returns a response with <c>HttpStatusCode = NotFound</c> and no configuration, dropping the code
/// (403 AccessDenied still throws). So an encrypted bucket, the state a converged policy sees, costs one read, and only
/// a 404 asks HeadBucket which of the two it was. (Since January 2023 AWS gives every bucket SSE-S3 by default, so in
/// AWS a 404 nearly always means a missing bucket.) The thrown codes are still handled in case an SDK version throws.
/// </remarks>
internal sealed class S3BucketAdapter(AwsClients clients) : IS3BucketPort
{
    public async Task<BucketInfo?> DescribeAsync(string bucketName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await clients.RunAsync(AwsService.S3, "GetBucketEncryption",
                ct => clients.S3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucketName }, ct), cancellationToken).ConfigureAwait(false);
            var rule = response.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?.FirstOrDefault()?.ServerSideEncryptionByDefault;
            if (rule is not null)
            {
                return new BucketInfo(bucketName, true, rule.ServerSideEncryptionAlgorithm?.Value, NullIfEmpty(rule.ServerSideEncryptionKeyManagementServiceKeyId));
            }

            return response.HttpStatusCode == HttpStatusCode.NotFound
                ? await ExistsUnencryptedOrMissingAsync(bucketName, cancellationToken).ConfigureAwait(false)
                : new BucketInfo(bucketName, false);
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

    // The 404 lost its code: HeadBucket tells a bucket without default encryption from a missing bucket.
    private async Task<BucketInfo?> ExistsUnencryptedOrMissingAsync(string bucketName, CancellationToken cancellationToken)
    {
        try
        {
            await clients.RunAsync(AwsService.S3, "HeadBucket",
                ct => clients.S3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucketName }, ct), cancellationToken).ConfigureAwait(false);
            return new BucketInfo(bucketName, false);
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            return null;
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
