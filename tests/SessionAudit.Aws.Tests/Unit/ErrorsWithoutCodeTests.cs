using System.Net;
using System.Text;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>An error answer without an AWS error code (a proxy's 502, an HTML 500 page) is reported with its status and
/// a short excerpt of its body, never as the SDK's "See inner exception for details".</summary>
public sealed class ErrorsWithoutCodeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Html = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>corporate-proxy/1.2</center></body></html>";

    private static HttpResponseMessage Answer(HttpStatusCode status, string body, string mediaType) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, "text/html")]
    [InlineData(HttpStatusCode.InternalServerError, "text/html")]
    [InlineData(HttpStatusCode.Forbidden, "text/plain")]
    public async Task An_SDK_call_names_the_status_and_an_excerpt_of_the_body(HttpStatusCode status, string mediaType)
    {
        using var stub = new StubAws(_ => Answer(status, Html, mediaType));

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => stub.Factory.For(new AwsScope("us-east-1")).Documents.GetAsync("SSM-SessionManagerRunShell", Ct));

        Assert.DoesNotContain("inner exception", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"HTTP {(int)status}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("502 Bad Gateway", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thin_client_call_names_the_status_and_an_excerpt_of_the_body()
    {
        using var stub = new StubAws(_ => Answer(HttpStatusCode.BadGateway, Html, "text/html"));

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => stub.Factory.For(new AwsScope("us-east-1")).LogGroups.DescribeAsync("/ssm/sessions", Ct));

        Assert.Contains("HTTP 502", failure.Message, StringComparison.Ordinal);
        Assert.Contains("502 Bad Gateway", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_body_is_cut_to_an_excerpt()
    {
        var body = "<html><body>" + string.Concat(Enumerable.Repeat("gateway timed out upstream ", 200)) + "</body></html>";
        using var stub = new StubAws(_ => Answer(HttpStatusCode.GatewayTimeout, body, "text/html"));

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => stub.Factory.For(new AwsScope("us-east-1")).Documents.GetAsync("SSM-SessionManagerRunShell", Ct));

        Assert.Contains("HTTP 504", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.Message.Length < 400, failure.Message);
    }

    [Fact]
    public async Task An_AWS_error_answer_keeps_its_code_and_message_and_an_upstream_excerpt_header_is_ignored()
    {
        using var stub = new StubAws(_ =>
        {
            var answer = Answer(HttpStatusCode.BadRequest, """{"__type":"InvalidDocument","message":"Document with name x does not exist."}""", "application/x-amz-json-1.1");
            answer.Headers.TryAddWithoutValidation(Transport.ErrorExcerpt.Header, "forged by a proxy");
            return answer;
        });

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => stub.Factory.For(new AwsScope("us-east-1")).Documents.ListVersionsAsync("x", Ct));

        Assert.Equal("InvalidDocument", failure.Code);
        Assert.Contains("Document with name x does not exist.", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_excerpt_header_on_an_empty_error_answer_is_not_believed()
    {
        using var stub = new StubAws(_ =>
        {
            var answer = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new ByteArrayContent([]) };
            answer.Headers.TryAddWithoutValidation(Transport.ErrorExcerpt.Header, "forged by a proxy");
            return answer;
        });

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => stub.Factory.For(new AwsScope("us-east-1")).Documents.GetAsync("x", Ct));

        Assert.Contains("HTTP 503", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("$LATEST")]
    [InlineData("0")]
    [InlineData("3 ")]
    public async Task Deleting_a_version_takes_only_a_version_number_never_the_whole_document(string version)
    {
        using var stub = new StubAws(_ => Answer(HttpStatusCode.OK, "{}", "application/x-amz-json-1.1"));

        await Assert.ThrowsAsync<ArgumentException>(() => stub.Factory.For(new AwsScope("us-east-1")).Documents.DeleteVersionAsync("SSM-SessionManagerRunShell", version, Ct));

        Assert.Empty(stub.Handler.Requests);
    }
}
