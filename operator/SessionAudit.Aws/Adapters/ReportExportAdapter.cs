using Amazon.S3.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Reporting.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>The report's files to S3: one PutObject each (s3:PutObject on the export prefix is all it needs).</summary>
internal sealed class ReportExportAdapter(AwsClients clients) : IReportExportPort
{
    public async Task WriteAsync(ReportFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        // The request is built per attempt: a retry must send the whole body again, not a stream already read.
        await clients.RunAsync(AwsService.S3, "PutObject", ct => clients.S3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = file.Bucket,
                Key = file.Key,
                ContentType = file.ContentType,
                InputStream = new MemoryStream(file.Content.ToArray(), writable: false),
            },
            ct), cancellationToken).ConfigureAwait(false);
    }
}
