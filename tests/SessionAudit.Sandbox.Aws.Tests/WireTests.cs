using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>Protocol shapes, model validation, faults and the call log, checked with plain HTTP (no CLI needed).</summary>
public sealed class WireTests
{
    private static HttpRequestMessage Json(Uri url, string target, string body, string service = "ssm", string key = "AKIAWIRETEST00000001", string region = "eu-west-1")
    {
        var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8) };
        req.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        req.Headers.Add("X-Amz-Target", target);
        req.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={key}/20240101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=abc");
        return req;
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> SendJson(HttpClient http, HttpRequestMessage req)
    {
        using var res = await http.SendAsync(req, TestContext.Current.CancellationToken);
        return (res.StatusCode, (JsonObject)JsonNode.Parse(await res.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!);
    }

    [Fact]
    public async Task A_misspelled_member_wrong_type_or_unknown_operation_is_rejected_in_the_JSON_error_shape()
    {
        await using var sb = await Sandboxes.StartAsync();
        using var http = new HttpClient();
        var (s1, b1) = await SendJson(http, Json(sb.Url, "AmazonSSM.GetDocument", """{"Nmae":"x"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        Assert.Equal("SerializationException", b1["__type"]!.GetValue<string>());
        Assert.Contains("Nmae", b1["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var (_, b2) = await SendJson(http, Json(sb.Url, "AmazonSSM.DescribeSessions", """{"State":"History","MaxResults":"20"}"""));
        Assert.Equal("SerializationException", b2["__type"]!.GetValue<string>());

        var (_, b3) = await SendJson(http, Json(sb.Url, "AmazonSSM.DescribeSessions", """{}"""));
        Assert.Equal("ValidationException", b3["__type"]!.GetValue<string>());
        Assert.Equal("1 validation error detected: Value null at 'state' failed to satisfy constraint: Member must not be null", b3["message"]!.GetValue<string>());

        var (_, b4) = await SendJson(http, Json(sb.Url, "AmazonSSM.NoSuchOperation", "{}"));
        Assert.Equal("UnknownOperationException", b4["__type"]!.GetValue<string>());

        var (_, b5) = await SendJson(http, Json(sb.Url, "TrentService.ListGrants", """{"KeyId":"k","Limit":0}""", "kms"));
        Assert.Equal("ValidationException", b5["__type"]!.GetValue<string>());
        Assert.Contains("Member must have value greater than or equal to 1", b5["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // The SigV4 scope picks the region: the call above went to eu-west-1.
        Assert.All(sb.CallLog, c => Assert.Equal("eu-west-1", c.Region));
    }

    [Fact]
    public async Task Query_services_answer_errors_as_ErrorResponse_and_assumed_roles_map_to_their_account()
    {
        await using var sb = await Sandboxes.StartAsync();
        using var http = new HttpClient();
        async Task<(HttpStatusCode, string)> Query(string form, string key = "AKIAWIRETEST00000001", string service = "sts")
        {
            var req = new HttpRequestMessage(HttpMethod.Post, sb.Url) { Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded") };
            req.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={key}/20240101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=abc");
            using var res = await http.SendAsync(req, TestContext.Current.CancellationToken);
            return (res.StatusCode, await res.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var (status, xml) = await Query("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Faudit&RoleSessionName=op");
        Assert.Equal(HttpStatusCode.OK, status);
        string accessKey = System.Xml.Linq.XDocument.Parse(xml).Descendants().Single(e => e.Name.LocalName == "AccessKeyId").Value;
        var (_, who) = await Query("Action=GetCallerIdentity&Version=2011-06-15", accessKey);
        Assert.Contains("<Account>111122223333</Account>", who, StringComparison.Ordinal);
        Assert.Contains("assumed-role/audit/op", who, StringComparison.Ordinal);

        var (s2, err) = await Query("Action=AssumeRole&Version=2011-06-15&RoleSessionName=op");
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.Contains("<ErrorResponse", err, StringComparison.Ordinal);
        Assert.Contains("<Code>ValidationError</Code>", err, StringComparison.Ordinal);

        var (s3, notFound) = await Query("Action=GetTopicAttributes&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3Anope", service: "sns");
        Assert.Equal(HttpStatusCode.NotFound, s3);
        Assert.Contains("<Code>NotFound</Code>", notFound, StringComparison.Ordinal);

        var (_, unknown) = await Query("Action=Frobnicate&Version=2011-06-15");
        Assert.Contains("<Code>InvalidAction</Code>", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeLogStreams_above_its_quota_of_25_a_second_per_account_and_region_is_throttled()
    {
        // CloudWatch Logs: "This operation has a limit of 25 transactions per second, after which transactions are
        // throttled" (botocore logs 2014-03-28, DescribeLogStreams). The sandbox clock stands still: one second.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2024-05-01T00:00:00.5Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var sb = await Sandboxes.StartAsync(options: new AwsSandboxOptions { Time = time });
        using var http = new HttpClient();
        HttpRequestMessage Logs(string op, string body, string region = "eu-west-1") => Json(sb.Url, "Logs_20140328." + op, body, "logs", region: region);
        Assert.Equal(HttpStatusCode.OK, (await SendJson(http, Logs("CreateLogGroup", """{"logGroupName":"/q"}"""))).Status);

        for (int i = 0; i < 25; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendJson(http, Logs("DescribeLogStreams", """{"logGroupName":"/q"}"""))).Status);
        }

        var (status, body) = await SendJson(http, Logs("DescribeLogStreams", """{"logGroupName":"/q"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ThrottlingException", body["__type"]!.GetValue<string>());

        // The quota is the operation's, per account and region: other log calls and another region are served.
        Assert.Equal(HttpStatusCode.OK, (await SendJson(http, Logs("DescribeLogGroups", "{}"))).Status);
        var (other, otherBody) = await SendJson(http, Logs("DescribeLogStreams", """{"logGroupName":"/q"}""", "us-east-1"));
        Assert.Equal("ResourceNotFoundException", otherBody["__type"]!.GetValue<string>());

        // The window slides: 0.6 s later the clock is in the next whole second, but the last second still holds 25.
        time.Advance(TimeSpan.FromSeconds(0.6));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendJson(http, Logs("DescribeLogStreams", """{"logGroupName":"/q"}"""))).Status);
        time.Advance(TimeSpan.FromSeconds(0.4));
        Assert.Equal(HttpStatusCode.OK, (await SendJson(http, Logs("DescribeLogStreams", """{"logGroupName":"/q"}"""))).Status);
        Assert.Equal(2, sb.CallLog.Count(c => c.Throttled));
        Assert.Equal(HttpStatusCode.BadRequest, other);
    }

    [Fact]
    public async Task Faults_throttle_fail_and_slow_calls_and_the_call_log_tells_writes_from_reads()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2024-05-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var sb = await Sandboxes.StartAsync(options: new AwsSandboxOptions { Time = time, RandomSeed = 1 });
        using var http = new HttpClient();
        sb.Faults.Set("ssm", "DescribeSessions", new AwsFault { ThrottleShare = 1 });
        var (s1, b1) = await SendJson(http, Json(sb.Url, "AmazonSSM.DescribeSessions", """{"State":"History"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        Assert.Equal("ThrottlingException", b1["__type"]!.GetValue<string>());

        sb.Faults.Set("ssm", null, new AwsFault { ServerErrorShare = 1 });
        var (s2, _) = await SendJson(http, Json(sb.Url, "AmazonSSM.GetDocument", """{"Name":"x"}"""));
        Assert.Equal(HttpStatusCode.InternalServerError, s2);

        sb.Faults.Clear();
        sb.Faults.Set("kms", "CreateKey", new AwsFault { Latency = TimeSpan.FromSeconds(30) });
        var slow = SendJson(http, Json(sb.Url, "TrentService.CreateKey", "{}", "kms"));
        // While the sandbox clock stands still the call cannot finish (a bounded negative check, not a synchronisation).
        Assert.NotSame(slow, await Task.WhenAny(slow, Task.Delay(300, TestContext.Current.CancellationToken)));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!slow.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(slow, Task.Delay(50, TestContext.Current.CancellationToken));
        }

        Assert.Equal(HttpStatusCode.OK, (await slow).Status);

        sb.Faults.Set("s3", null, new AwsFault { ThrottleShare = 1 });
        using var s3 = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(sb.Url, "/some-bucket?list-type=2")), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, s3.StatusCode);
        Assert.Contains("<Code>SlowDown</Code>", await s3.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var log = sb.CallLog;
        Assert.Equal(["DescribeSessions", "GetDocument", "CreateKey", "ListObjectsV2"], log.Select(c => c.Operation));
        Assert.Equal([false, false, true, false], log.Select(c => c.IsWrite));
        Assert.True(log[0].Throttled);
        Assert.Equal("000000000000", log[0].Account);
        Assert.Equal("AKIAWIRETEST00000001", log[0].AccessKeyId);
        Assert.Equal(time.GetUtcNow(), log[^1].Time);
    }

    [Fact]
    public async Task State_survives_a_restart_through_the_state_file()
    {
        string file = Path.Combine(Path.GetTempPath(), $"aws-sandbox-{Guid.NewGuid():N}.json");
        try
        {
            using var http = new HttpClient();
            var options = new AwsSandboxOptions { StateFile = file };
            await using (var first = await Sandboxes.StartAsync(RepoFiles.ExampleSeed, options))
            {
                var (status, _) = await SendJson(http, Json(first.Url, "AmazonSSM.CreateDocument", """{"Name":"Kept","Content":"{\"schemaVersion\":\"1.0\",\"sessionType\":\"Standard_Stream\"}","DocumentType":"Session"}""", key: "AKIAACMEALICE0000001"));
                Assert.Equal(HttpStatusCode.OK, status);
            }

            Assert.True(File.Exists(file));
            await using var second = await Sandboxes.StartAsync(options: options);
            var (s2, doc) = await SendJson(http, Json(second.Url, "AmazonSSM.DescribeDocument", """{"Name":"Kept"}""", key: "AKIAACMEALICE0000001"));
            Assert.Equal(HttpStatusCode.OK, s2);
            Assert.Equal("111122223333", doc["Document"]!["Owner"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
