using Amazon.S3.Model;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>The report's delivery check through the real adapter against the stand-in: the session's document names the
/// bucket and prefix, the bucket is listed once, page by page, and each ended session is found or missing.</summary>
public sealed class LogDeliveryAgainstSandboxTests(SandboxFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ended_sessions_are_found_or_missing_in_the_documents_bucket_listed_once_across_pages()
    {
        using var account = fixture.NewAccount("""
            - name: us-east-1
              buckets:
                - {name: delivery-logs, encryption: AES256}
              instances:
                - {id: i-0de11e00000000001}
              documents:
                - name: Delivery-Shell
                  type: Session
                  format: JSON
                  content: '{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"delivery-logs","s3KeyPrefix":"sessions/","s3EncryptionEnabled":true}}'
                - name: Locked-Shell
                  type: Session
                  format: JSON
                  content: '{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"someone-elses-bucket"}}'
              sessions:
                - {id: alice-0de11e0000000001, target: i-0de11e00000000001, owner: alice, document: Delivery-Shell, startedHoursAgo: 5, durationMinutes: 10}
                - {id: alice-0de11e0000000002, target: i-0de11e00000000001, owner: alice, document: Delivery-Shell, startedHoursAgo: 4, durationMinutes: 10}
                - {id: bob-0de11e0000000003, target: i-0de11e00000000001, owner: bob, document: Delivery-Shell, startedHoursAgo: 3, durationMinutes: 10}
                - {id: bob-0de11e0000000004, target: i-0de11e00000000001, owner: bob, document: Locked-Shell, startedHoursAgo: 2, durationMinutes: 10}
                - {id: carol-0de11e0000000005, target: i-0de11e00000000001, owner: carol, document: Delivery-Shell, startedHoursAgo: 1}
                - {id: dave-0de11e0000000006, target: i-0de11e00000000001, owner: dave, document: AWS-StartPortForwardingSession, startedHoursAgo: 1, durationMinutes: 2}
            """);
        // Another account's bucket: listing it is refused.
        using var other = fixture.NewAccount("""
            - name: us-east-1
              buckets:
                - {name: someone-elses-bucket, encryption: AES256}
            """);
        var scope = new AwsScope("us-east-1");
        var s3 = account.Factory.Clients(scope).S3;
        // More than one page of 1,000 keys: older sessions' logs, then the two delivered ones.
        await Parallel.ForEachAsync(Enumerable.Range(0, 1_050), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, ct) =>
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "delivery-logs", Key = $"sessions/old-{i:D5}.log", ContentBody = "x" }, ct));
        foreach (var id in new[] { "alice-0de11e0000000001", "bob-0de11e0000000003" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "delivery-logs", Key = $"sessions/{id}.log", ContentBody = "session log" }, Ct);
        }

        // The stand-in's agent wrote every seeded ended session's log when the seed was applied, as the SSM Agent would
        // have; this one is lost afterwards (a lifecycle rule, a hand), so the report must find it missing.
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = "delivery-logs", Key = "sessions/alice-0de11e0000000002.log" }, Ct);

        var before = account.Calls.Count(c => c.Operation == "ListObjectsV2");
        var rows = new RowsById();
        var report = await new SessionReportEngine(account.Factory.SessionActivity(scope), TimeProvider.System)
            .RunAsync(new ReportOptions { Days = 1 }, rows, null, Ct);

        Assert.True(rows.ById["alice-0de11e0000000001"].LogDelivered);
        Assert.Equal("s3://delivery-logs/sessions/alice-0de11e0000000001.log", rows.ById["alice-0de11e0000000001"].LogLocation);
        Assert.False(rows.ById["alice-0de11e0000000002"].LogDelivered);
        Assert.Equal("no object s3://delivery-logs/sessions/alice-0de11e0000000002.log", rows.ById["alice-0de11e0000000002"].LogNote);
        Assert.True(rows.ById["bob-0de11e0000000003"].LogDelivered);
        Assert.Null(rows.ById["bob-0de11e0000000004"].LogDelivered);
        Assert.StartsWith("cannot list s3://someone-elses-bucket/: AccessDenied", rows.ById["bob-0de11e0000000004"].LogNote, StringComparison.Ordinal);
        Assert.Null(rows.ById["carol-0de11e0000000005"].LogDelivered); // still active
        Assert.Null(rows.ById["dave-0de11e0000000006"].LogDelivered); // port forwarding: not logged by design
        Assert.Equal(1, report.Summary.MissingLogs);

        var listings = account.Calls.Count(c => c.Operation == "ListObjectsV2") - before;
        // delivery-logs: 1,052 keys in two pages; someone-elses-bucket: one refused call.
        Assert.Equal(3, listings);
        Assert.DoesNotContain(account.Calls, c => c.Operation == "HeadObject");
        // The bucket is encrypted, so the missing log's note is the plain one, read with one GetBucketEncryption.
        Assert.Single(account.Calls, c => c.Operation == "GetBucketEncryption");
    }
}
