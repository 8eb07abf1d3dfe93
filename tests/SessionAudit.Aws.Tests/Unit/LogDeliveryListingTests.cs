using System.Net;
using System.Text.Json;
using System.Web;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Reporting.Ports;
using Xunit;
using AwsScope = SessionAudit.Policy.Ports.AwsScope;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>The report's delivery listings through the real adapter against a stub: ListObjectsV2 and DescribeLogStreams
/// paged to the end, failures turned into answers, the destinations read from the same GetDocument.</summary>
public sealed class LogDeliveryListingTests
{
    private static readonly AwsScope Scope = new("eu-west-1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ListPage(string[] keys, string? next) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>logs</Name>"
        + $"<KeyCount>{keys.Length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>{(next is null ? "false" : "true")}</IsTruncated>"
        + (next is null ? "" : $"<NextContinuationToken>{next}</NextContinuationToken>")
        + string.Concat(keys.Select(k => $"<Contents><Key>{k}</Key><Size>1</Size></Contents>")) + "</ListBucketResult>";

    [Fact]
    public async Task The_S3_listing_follows_continuation_tokens_to_the_last_page()
    {
        using var aws = new StubAws(r => HttpUtility.ParseQueryString(r.Uri.Query)["continuation-token"] switch
        {
            null => RecordingHandler.Xml(ListPage(["s/alice-1.log", "s/alice-2.log"], "page-2")),
            "page-2" => RecordingHandler.Xml(ListPage(["s/bob-3.log"], "page-3")),
            _ => RecordingHandler.Xml(ListPage(["s/carol-4.log"], null)),
        });

        var listing = await aws.Factory.SessionActivity(Scope).ListLogObjectsAsync("logs", "s/", Ct);

        Assert.Null(listing.Error);
        Assert.Equal(["s/alice-1.log", "s/alice-2.log", "s/bob-3.log", "s/carol-4.log"], listing.Names!.Order(StringComparer.Ordinal));
        Assert.Equal(3, aws.Handler.Requests.Count);
        var first = HttpUtility.ParseQueryString(aws.Handler.Requests[0].Uri.Query);
        Assert.Equal("2", first["list-type"]);
        Assert.Equal("s/", first["prefix"]);
        Assert.Equal("1000", first["max-keys"]);
        Assert.StartsWith("/logs", aws.Handler.Requests[0].Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("page-3", HttpUtility.ParseQueryString(aws.Handler.Requests[2].Uri.Query)["continuation-token"]);
    }

    [Fact]
    public async Task An_S3_listing_that_is_refused_is_unreadable_not_missing_and_does_not_throw()
    {
        using var aws = new StubAws(_ => RecordingHandler.Xml(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r</RequestId></Error>",
            HttpStatusCode.Forbidden));

        var listing = await aws.Factory.SessionActivity(Scope).ListLogObjectsAsync("locked", "", Ct);

        Assert.Null(listing.Names);
        Assert.False(listing.Missing);
        Assert.StartsWith("AccessDenied", listing.Error, StringComparison.Ordinal);
        Assert.Single(aws.Handler.Requests); // AccessDenied is not retried
    }

    [Fact]
    public async Task A_missing_bucket_is_missing()
    {
        using var aws = new StubAws(_ => RecordingHandler.Xml(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>gone</BucketName></Error>",
            HttpStatusCode.NotFound));

        var listing = await aws.Factory.SessionActivity(Scope).ListLogObjectsAsync("gone", "p/", Ct);

        Assert.Null(listing.Names);
        Assert.True(listing.Missing);
    }

    [Fact]
    public async Task The_stream_listing_sends_the_prefix_and_follows_nextToken()
    {
        using var aws = new StubAws(r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            return body.RootElement.TryGetProperty("nextToken", out var t)
                ? RecordingHandler.Json("""{"logStreams":[{"logStreamName":"alice-3"}]}""")
                : RecordingHandler.Json($$"""{"logStreams":[{"logStreamName":"alice-1"},{"logStreamName":"alice-2"}],"nextToken":"t-{{t}}"}""");
        });

        var listing = await aws.Factory.SessionActivity(Scope).ListLogStreamsAsync("/aws/ssm/sessions", "alice-", Ct);

        Assert.Equal(["alice-1", "alice-2", "alice-3"], listing.Names!.Order(StringComparer.Ordinal));
        Assert.Equal(2, aws.Handler.Requests.Count);
        Assert.Equal("Logs_20140328.DescribeLogStreams", aws.Handler.Requests[0].Header("X-Amz-Target"));
        Assert.Equal("logs", aws.Handler.Requests[0].ScopeService);
        Assert.Equal("""{"logGroupName":"/aws/ssm/sessions","logStreamNamePrefix":"alice-","limit":50}""", aws.Handler.Requests[0].Body);
        using var second = JsonDocument.Parse(aws.Handler.Requests[1].Body);
        Assert.Equal("t-", second.RootElement.GetProperty("nextToken").GetString()![..2]);
    }

    [Fact]
    public async Task A_missing_log_group_is_missing_and_a_refused_one_unreadable()
    {
        using var missing = new StubAws(_ => RecordingHandler.JsonError("ResourceNotFoundException", "The specified log group does not exist."));
        using var refused = new StubAws(_ => RecordingHandler.JsonError("AccessDeniedException", "not authorized", HttpStatusCode.Forbidden));

        var gone = await missing.Factory.SessionActivity(Scope).ListLogStreamsAsync("/gone", "a-", Ct);
        var locked = await refused.Factory.SessionActivity(Scope).ListLogStreamsAsync("/locked", "a-", Ct);

        Assert.True(gone.Missing);
        Assert.Null(gone.Names);
        Assert.False(locked.Missing);
        Assert.Null(locked.Names);
        Assert.StartsWith("AccessDeniedException", locked.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_documents_destinations_come_from_the_same_GetDocument()
    {
        const string content = """{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"logs","s3KeyPrefix":"s/","s3EncryptionEnabled":true,"cloudWatchLogGroupName":"/ssm","cloudWatchEncryptionEnabled":false}}""";
        using var aws = new StubAws(_ => RecordingHandler.Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["Name"] = "Shell", ["Content"] = content, ["DocumentType"] = "Session", ["DocumentFormat"] = "JSON" })));

        var type = await aws.Factory.SessionActivity(Scope).GetSessionTypeAsync("Shell", Ct);

        Assert.Equal("Standard_Stream", type.SessionType);
        Assert.Equal(new LogDestinations("logs", "s/", true, "/ssm"), type.Destinations);
        Assert.Single(aws.Handler.Requests);
    }
}
