using Amazon.S3.Model;
using SessionAudit.Reporting.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>The report's files to S3: one PutObject each (s3:PutObject on the export prefix is all it needs), in the
/// bucket's own region and with the file's ExpectedBucketOwner.</summary>
internal sealed class ReportExportAdapter(AwsClients clients, S3BucketRegions regions) : IReportExportPort
{
    public async Task WriteAsync(ReportFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        // The request is built per attempt: a retry must send the whole body again, not a stream already read.
        await regions.RunAsync(clients, file.Bucket, "PutObject", (c, ct) => c.S3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = file.Bucket,
                Key = file.Key,
                ContentType = file.ContentType,
                InputStream = new MemoryStream(file.Content.ToArray(), writable: false),
                ExpectedBucketOwner = string.IsNullOrEmpty(file.ExpectedBucketOwner) ? null : file.ExpectedBucketOwner,
            },
            ct), cancellationToken).ConfigureAwait(false);
    }
}
