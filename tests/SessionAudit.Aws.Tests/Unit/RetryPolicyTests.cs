using System.Net;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Services.Events;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>The one retry policy: throttling and 5xx retried within a bounded number of attempts, everything else not.</summary>
public sealed class RetryPolicyTests
{
    private static readonly AwsScope Scope = new("us-east-1");

    private static Task<DescribeRuleResponse> Describe(StubAws aws) =>
        aws.Factory.Clients(Scope).RunAsync(AwsService.Events, "DescribeRule",
            ct => aws.Factory.Clients(Scope).Events.DescribeRuleAsync(new DescribeRuleRequest { Name = "r" }, ct),
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task Throttling_is_retried_until_it_succeeds_and_each_attempt_is_counted()
    {
        var calls = 0;
        using var aws = new StubAws(_ => Interlocked.Increment(ref calls) <= 2
            ? RecordingHandler.JsonError("ThrottlingException", "Rate exceeded")
            : RecordingHandler.Json("""{"Name":"r","State":"ENABLED"}"""));
        using var metrics = new MetricRecorder(aws.Metrics.Meter);

        var rule = await Describe(aws);

        Assert.Equal("r", rule.Name);
        Assert.Equal(3, aws.Handler.Requests.Count);
        Assert.Equal(2, metrics.Sum("sessionaudit.aws.calls", "DescribeRule", "throttled"));
        Assert.Equal(1, metrics.Sum("sessionaudit.aws.calls", "DescribeRule", "success"));
        Assert.Equal(2, metrics.Sum("sessionaudit.aws.retries", "DescribeRule"));
    }

    [Fact]
    public async Task Every_attempt_is_signed_afresh()
    {
        var calls = 0;
        using var aws = new StubAws(_ => Interlocked.Increment(ref calls) == 1
            ? RecordingHandler.JsonError("InternalException", "boom", HttpStatusCode.InternalServerError)
            : RecordingHandler.Json("""{"Name":"r"}"""));

        await Describe(aws);

        Assert.Equal(2, aws.Handler.Requests.Count);
        Assert.All(aws.Handler.Requests, r => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/", r.Header("Authorization")));
    }

    [Fact]
    public async Task Server_errors_give_up_after_the_budget_as_Unavailable()
    {
        using var aws = new StubAws(_ => RecordingHandler.JsonError("InternalException", "boom", HttpStatusCode.InternalServerError));

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => Describe(aws));

        Assert.Equal(AwsFailureKind.Unavailable, failure.Kind);
        Assert.Equal(aws.Options.Retry.MaxRetries + 1, aws.Handler.Requests.Count);
    }

    [Theory]
    [InlineData("ValidationException", HttpStatusCode.BadRequest, AwsFailureKind.Invalid)]
    [InlineData("ResourceNotFoundException", HttpStatusCode.BadRequest, AwsFailureKind.NotFound)]
    [InlineData("AccessDeniedException", HttpStatusCode.BadRequest, AwsFailureKind.AccessDenied)]
    [InlineData("ConcurrentModificationException", HttpStatusCode.BadRequest, AwsFailureKind.Conflict)]
    public async Task Client_errors_are_not_retried_and_map_to_their_kind(string code, HttpStatusCode status, AwsFailureKind kind)
    {
        using var aws = new StubAws(_ => RecordingHandler.JsonError(code, "no", status));

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => Describe(aws));

        Assert.Equal(kind, failure.Kind);
        Assert.Equal(code, failure.Code);
        Assert.Single(aws.Handler.Requests);
    }

    [Fact]
    public async Task Connection_failures_are_retried_as_Unavailable()
    {
        using var aws = new StubAws(_ => throw new HttpRequestException("connection refused"));

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => Describe(aws));

        Assert.Equal(AwsFailureKind.Unavailable, failure.Kind);
        Assert.Equal(aws.Options.Retry.MaxRetries + 1, aws.Handler.Requests.Count);
    }

    [Fact]
    public async Task Sdk_clients_do_not_retry_on_their_own_so_the_budget_is_the_same()
    {
        using var aws = new StubAws(_ => RecordingHandler.JsonError("ThrottlingException", "Rate exceeded"));
        var clients = aws.Factory.Clients(Scope);

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => clients.RunAsync(AwsService.Ssm, "GetDocument",
            ct => clients.Ssm.GetDocumentAsync(new Amazon.SimpleSystemsManagement.Model.GetDocumentRequest { Name = "doc-1" }, ct),
            TestContext.Current.CancellationToken));

        Assert.Equal(AwsFailureKind.Throttled, failure.Kind);
        Assert.Equal(aws.Options.Retry.MaxRetries + 1, aws.Handler.Requests.Count);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_a_failure()
    {
        using var aws = new StubAws(_ => RecordingHandler.JsonError("ThrottlingException", "Rate exceeded"));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => aws.Factory.Clients(Scope).RunAsync(AwsService.Events, "DescribeRule",
            ct => aws.Factory.Clients(Scope).Events.DescribeRuleAsync(new DescribeRuleRequest { Name = "r" }, ct), cts.Token));
    }
}
