using System.Net;
using Amazon.SimpleSystemsManagement.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>The SDK clients go where the endpoint variables say, path-style for S3, signed for their own service, without SDK retries.</summary>
public sealed class SdkClientConfigurationTests
{
    private static readonly AwsScope Scope = new("ap-southeast-2");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ssm_sends_AmazonSSM_target_to_the_configured_endpoint_with_ssm_scope()
    {
        using var aws = new StubAws(_ => RecordingHandler.Json("""{"Name":"SSM-SessionManagerRunShell","Content":"{}","DocumentVersion":"1"}"""));
        var clients = aws.Factory.Clients(Scope);

        await clients.RunAsync(AwsService.Ssm, "GetDocument", ct => clients.Ssm.GetDocumentAsync(new GetDocumentRequest { Name = "SSM-SessionManagerRunShell" }, ct), Ct);

        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal("aws.test", request.Uri.Host);
        Assert.Equal("AmazonSSM.GetDocument", request.Header("X-Amz-Target"));
        Assert.Equal(("ssm", "ap-southeast-2"), (request.ScopeService, request.ScopeRegion));
        Assert.Contains("max=1", request.Header("amz-sdk-request"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kms_sends_TrentService_target_with_kms_scope()
    {
        using var aws = new StubAws(_ => RecordingHandler.Json("""{"KeyMetadata":{"KeyId":"k","Arn":"arn:aws:kms:ap-southeast-2:1:key/k","KeyManager":"CUSTOMER","KeyState":"Enabled"}}"""));

        var key = await aws.Factory.For(Scope).Keys.DescribeAsync("alias/x", Ct);

        Assert.Equal(new KmsKeyInfo("k", "arn:aws:kms:ap-southeast-2:1:key/k", KmsKeyManager.Customer, "Enabled"), key);
        var request = Assert.Single(aws.Handler.Requests);
        Assert.Equal("TrentService.DescribeKey", request.Header("X-Amz-Target"));
        Assert.Equal("kms", request.ScopeService);
    }

    [Fact]
    public async Task S3_uses_path_style_on_a_configured_endpoint()
    {
        using var aws = new StubAws(r => r.Method == HttpMethod.Head
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) }
            : RecordingHandler.Xml("""<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>"""));

        var bucket = await aws.Factory.For(Scope).Buckets.DescribeAsync("session-logs", Ct);

        Assert.Equal(new BucketInfo("session-logs", true, "AES256"), bucket);
        var request = Assert.Single(aws.Handler.Requests); // an encrypted bucket needs no HeadBucket
        Assert.Equal("aws.test", request.Uri.Host);
        Assert.Equal("/session-logs/", request.Uri.AbsolutePath);
        Assert.Equal("?encryption", request.Uri.Query);
        Assert.All(aws.Handler.Requests, r => Assert.Equal("s3", r.ScopeService));
    }

    [Fact]
    public async Task Kms_grant_pages_are_followed_by_marker()
    {
        var page = 0;
        using var aws = new StubAws(r => Interlocked.Increment(ref page) == 1
            ? RecordingHandler.Json("""{"Grants":[{"GrantId":"g1","Name":"a","GranteePrincipal":"p","Operations":["Decrypt"]}],"NextMarker":"m1","Truncated":true}""")
            : RecordingHandler.Json("""{"Grants":[{"GrantId":"g2","GranteePrincipal":"p","Operations":["GenerateDataKey"]}],"Truncated":false}"""));

        var grants = await aws.Factory.For(Scope).Grants.ListAsync("arn:k", Ct);

        Assert.Equal(["g1", "g2"], grants.Select(g => g.GrantId));
        Assert.Null(grants[1].Name);
        Assert.Contains("\"Marker\":\"m1\"", aws.Handler.Requests[1].Body, StringComparison.Ordinal);
    }
}
