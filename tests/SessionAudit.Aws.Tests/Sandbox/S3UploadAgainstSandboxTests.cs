using Amazon.S3.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>The S3 client as configured (path-style, checksums only when required) works against a local endpoint for uploads too.</summary>
public sealed class S3UploadAgainstSandboxTests(SandboxFixture fixture)
{
    [Fact]
    public async Task An_object_put_with_the_configured_client_reads_back_unchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        using var account = fixture.NewAccount("""
            - name: us-east-1
              buckets:
                - name: session-logs
            """);
        var clients = account.Factory.Clients(new AwsScope("us-east-1"));
        var content = string.Concat(Enumerable.Repeat("session output line\n", 5000));

        await clients.RunAsync(AwsService.S3, "PutObject", c => clients.S3.PutObjectAsync(
            new PutObjectRequest { BucketName = "session-logs", Key = "sessions/s-1.log", ContentBody = content }, c), ct);
        using var get = await clients.RunAsync(AwsService.S3, "GetObject", c => clients.S3.GetObjectAsync("session-logs", "sessions/s-1.log", c), ct);
        using var reader = new StreamReader(get.ResponseStream);

        Assert.Equal(content, await reader.ReadToEndAsync(ct));
    }
}
