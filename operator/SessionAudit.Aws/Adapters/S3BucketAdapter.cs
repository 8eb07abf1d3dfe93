using System.Net;
using Amazon.S3.Model;
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
/// <para>The calls go to the bucket's own region (<see cref="S3BucketRegions"/>) and carry ExpectedBucketOwner when the
/// spec names one.</para>
internal sealed class S3BucketAdapter(AwsClients clients, S3BucketRegions regions) : IS3BucketPort
{
    public async Task<BucketInfo?> DescribeAsync(string bucketName, string? expectedOwner, CancellationToken cancellationToken)
    {
        var owner = string.IsNullOrEmpty(expectedOwner) ? null : expectedOwner;
        try
        {
            var response = await regions.RunAsync(clients, bucketName, "GetBucketEncryption",
                (c, ct) => c.S3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucketName, ExpectedBucketOwner = owner }, ct), cancellationToken).ConfigureAwait(false);
            var region = regions.KnownRegion(clients, bucketName);
            var rule = response.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?.FirstOrDefault()?.ServerSideEncryptionByDefault;
            if (rule is not null)
            {
                return new BucketInfo(bucketName, true, rule.ServerSideEncryptionAlgorithm?.Value, NullIfEmpty(rule.ServerSideEncryptionKeyManagementServiceKeyId)) { Region = region };
            }

            return response.HttpStatusCode == HttpStatusCode.NotFound
                ? await ExistsUnencryptedOrMissingAsync(bucketName, owner, cancellationToken).ConfigureAwait(false)
                : new BucketInfo(bucketName, false) { Region = region };
        }
        catch (AwsFailure f) when (f.Code == "ServerSideEncryptionConfigurationNotFoundError")
        {
            return new BucketInfo(bucketName, false) { Region = regions.KnownRegion(clients, bucketName) };
        }
        catch (AwsFailure f) when (f.Code == "NoSuchBucket")
        {
            return null;
        }
    }

    // The 404 lost its code: HeadBucket tells a bucket without default encryption from a missing bucket.
    private async Task<BucketInfo?> ExistsUnencryptedOrMissingAsync(string bucketName, string? owner, CancellationToken cancellationToken)
    {
        try
        {
            await regions.RunAsync(clients, bucketName, "HeadBucket",
                (c, ct) => c.S3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucketName, ExpectedBucketOwner = owner }, ct), cancellationToken).ConfigureAwait(false);
            return new BucketInfo(bucketName, false) { Region = regions.KnownRegion(clients, bucketName) };
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            return null;
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
