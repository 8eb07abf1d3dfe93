using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>S3 buckets, default encryption and objects through the AWS CLI and the .NET SDK.</summary>
public sealed class S3Tests
{
    [Fact]
    public async Task Buckets_and_default_encryption_behave_as_in_AWS()
    {
        await using var sb = await Sandboxes.StartAsync(options: new AwsSandboxOptions { AccessKeyAccounts = new Dictionary<string, string> { ["AKIAOTHERACCOUNT0001"] = "999988887777" } });
        var aws = new AwsCli(sb.Url);
        await aws.OkAsync("s3api", "create-bucket", "--bucket", "acme-session-logs");
        await aws.FailsAsync("BucketAlreadyOwnedByYou", "s3api", "create-bucket", "--bucket", "acme-session-logs");
        await aws.As("AKIAOTHERACCOUNT0001").FailsAsync("BucketAlreadyExists", "s3api", "create-bucket", "--bucket", "acme-session-logs");
        await aws.FailsAsync("InvalidBucketName", "s3api", "create-bucket", "--bucket", "Bad_Bucket");
        await aws.In("eu-west-1").OkAsync("s3api", "create-bucket", "--bucket", "acme.eu.logs", "--create-bucket-configuration", "LocationConstraint=eu-west-1");
        Assert.Equal("eu-west-1", (await aws.OkAsync("s3api", "get-bucket-location", "--bucket", "acme.eu.logs"))["LocationConstraint"]!.GetValue<string>());

        await aws.OkAsync("s3api", "head-bucket", "--bucket", "acme-session-logs");
        var missing = await aws.RunAsync("s3api", "head-bucket", "--bucket", "no-such-bucket-here");
        Assert.Contains("404", missing.Stderr, StringComparison.Ordinal);
        await aws.As("AKIAOTHERACCOUNT0001").FailsAsync("AccessDenied", "s3api", "get-bucket-encryption", "--bucket", "acme-session-logs");

        await aws.FailsAsync("ServerSideEncryptionConfigurationNotFoundError", "s3api", "get-bucket-encryption", "--bucket", "acme-session-logs");
        await aws.OkAsync("s3api", "put-bucket-encryption", "--bucket", "acme-session-logs", "--server-side-encryption-configuration",
            """{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"alias/session-manager"},"BucketKeyEnabled":true}]}""");
        var enc = await aws.OkAsync("s3api", "get-bucket-encryption", "--bucket", "acme-session-logs");
        var rule = enc["ServerSideEncryptionConfiguration"]!["Rules"]![0]!;
        Assert.Equal("aws:kms", rule["ApplyServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.GetValue<string>());
        Assert.True(rule["BucketKeyEnabled"]!.GetValue<bool>());
        await aws.FailsAsync("MalformedXML", "s3api", "put-bucket-encryption", "--bucket", "acme-session-logs", "--server-side-encryption-configuration",
            """{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"rot13"}}]}""");
        await aws.OkAsync("s3api", "delete-bucket-encryption", "--bucket", "acme-session-logs");
        await aws.FailsAsync("ServerSideEncryptionConfigurationNotFoundError", "s3api", "get-bucket-encryption", "--bucket", "acme-session-logs");

        string file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "session transcript", TestContext.Current.CancellationToken);
        await aws.OkAsync("s3api", "put-object", "--bucket", "acme-session-logs", "--key", "sessions/alice-1.log", "--body", file);
        var listed = await aws.OkAsync("s3api", "list-objects-v2", "--bucket", "acme-session-logs", "--prefix", "sessions/");
        Assert.Equal("sessions/alice-1.log", listed["Contents"]![0]!["Key"]!.GetValue<string>());
        Assert.Equal(18, listed["Contents"]![0]!["Size"]!.GetValue<int>());
        var got = await aws.OkAsync("s3api", "get-object", "--bucket", "acme-session-logs", "--key", "sessions/alice-1.log", file);
        Assert.Equal("session transcript", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        Assert.NotNull(got["ETag"]);
        File.Delete(file);
        await aws.FailsAsync("NoSuchKey", "s3api", "get-object", "--bucket", "acme-session-logs", "--key", "nope", "/dev/null");
        await aws.FailsAsync("NoSuchBucket", "s3api", "list-objects-v2", "--bucket", "no-such-bucket-here");
    }

    [Fact]
    public async Task A_bucket_is_served_in_its_own_region_and_answers_elsewhere_with_a_301_naming_it()
    {
        await using var sb = await Sandboxes.StartAsync();
        var aws = new AwsCli(sb.Url);
        await aws.In("eu-west-1").OkAsync("s3api", "create-bucket", "--bucket", "acme-eu-logs", "--create-bucket-configuration", "LocationConstraint=eu-west-1");

        // The CLI follows S3's redirect as it does in AWS: a 301 from us-east-1, then the same call in eu-west-1.
        await aws.OkAsync("s3api", "head-bucket", "--bucket", "acme-eu-logs");
        Assert.Equal([("us-east-1", 301), ("eu-west-1", 200)], sb.CallLog.Where(c => c.Operation == "HeadBucket").Select(c => (c.Region, c.Status)));

        using var http = new HttpClient();
        HttpRequestMessage Signed(HttpMethod method, string path)
        {
            var req = new HttpRequestMessage(method, new Uri(sb.Url, path));
            req.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIASANDBOXTEST00001/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc");
            return req;
        }

        using var head = await http.SendAsync(Signed(HttpMethod.Head, "/acme-eu-logs"), TestContext.Current.CancellationToken);
        Assert.Equal(301, (int)head.StatusCode);
        Assert.Equal("eu-west-1", head.Headers.GetValues("x-amz-bucket-region").Single());
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));

        using var get = await http.SendAsync(Signed(HttpMethod.Get, "/acme-eu-logs?encryption"), TestContext.Current.CancellationToken);
        Assert.Equal(301, (int)get.StatusCode);
        Assert.Equal("eu-west-1", get.Headers.GetValues("x-amz-bucket-region").Single());
        var error = System.Xml.Linq.XElement.Parse(await get.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("PermanentRedirect", error.Element("Code")!.Value);
        Assert.Equal("s3.eu-west-1.amazonaws.com", error.Element("Endpoint")!.Value);
        Assert.Equal("acme-eu-logs", error.Element("Bucket")!.Value);

        // GetBucketLocation answers from any region; an expected owner that is not the owner is refused.
        Assert.Equal("eu-west-1", (await aws.OkAsync("s3api", "get-bucket-location", "--bucket", "acme-eu-logs"))["LocationConstraint"]!.GetValue<string>());
        var eu = aws.In("eu-west-1");
        await eu.OkAsync("s3api", "head-bucket", "--bucket", "acme-eu-logs", "--expected-bucket-owner", "000000000000");
        await eu.FailsAsync("AccessDenied", "s3api", "get-bucket-encryption", "--bucket", "acme-eu-logs", "--expected-bucket-owner", "111122223333");
        var wrongOwner = await eu.RunAsync("s3api", "head-bucket", "--bucket", "acme-eu-logs", "--expected-bucket-owner", "111122223333");
        Assert.Contains("403", wrongOwner.Stderr, StringComparison.Ordinal);
        await eu.OkAsync("s3api", "list-objects-v2", "--bucket", "acme-eu-logs", "--expected-bucket-owner", "000000000000");
    }

    [Fact]
    public async Task The_dotnet_SDK_uploads_aws_chunked_bodies_with_a_crc32_trailer()
    {
        await using var sb = await Sandboxes.StartAsync();
        using var s3 = new AmazonS3Client(new BasicAWSCredentials("AKIASANDBOXTEST00001", "secret"), new AmazonS3Config { ServiceURL = sb.Url.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var ct = TestContext.Current.CancellationToken;
        await s3.PutBucketAsync("sdk-bucket", ct);
        string body = string.Concat(Enumerable.Repeat("0123456789abcdef", 5000));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "sdk-bucket", Key = "big/object.txt", ContentBody = body }, ct);
        using var got = await s3.GetObjectAsync("sdk-bucket", "big/object.txt", ct);
        using var reader = new StreamReader(got.ResponseStream, Encoding.UTF8);
        Assert.Equal(body, await reader.ReadToEndAsync(ct));

        var put = sb.CallLog.Single(c => c.Operation == "PutObject");
        Assert.Equal(200, put.Status);
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "sdk-bucket", Prefix = "big/" }, ct);
        Assert.Equal(80000, Assert.Single(listed.S3Objects).Size);
        var r = await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = "sdk-bucket" }, ct);

        // The SDK turns S3's 404 ServerSideEncryptionConfigurationNotFoundError into an empty answer instead of throwing.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, r.HttpStatusCode);
        Assert.Null(r.ServerSideEncryptionConfiguration);
        Assert.Equal("ServerSideEncryptionConfigurationNotFoundError", sb.CallLog.Single(c => c.Operation == "GetBucketEncryption").ErrorCode);
    }
}
