using System.Net;
using SessionAudit.Aws.Resilience;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Aws.Transport;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>The sandbox holds requests to the botocore models, so a wire mistake in a thin client cannot pass unnoticed.</summary>
public sealed class ModelValidationTests(SandboxFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_misspelled_member_sent_through_the_thin_transport_is_rejected()
    {
        using var account = fixture.NewAccount();
        var events = account.Factory.Clients(new AwsScope("us-east-1")).Events;

        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            events.Protocol.InvokeRawAsync("PutRule", """{"Name":"misspelled","EventPatern":"{\"source\":[\"aws.ssm\"]}"}""", Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("SerializationException", error.Code);
        Assert.Contains("EventPatern", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(AwsFailureKind.Invalid, AwsErrorClassifier.Classify(error.Code, (int)error.StatusCode));
        Assert.Null(await account.Factory.For(new AwsScope("us-east-1")).Rules.DescribeAsync("misspelled", Ct));
    }

    [Fact]
    public async Task The_same_request_spelled_as_the_model_says_is_accepted()
    {
        using var account = fixture.NewAccount();
        var events = account.Factory.Clients(new AwsScope("us-east-1")).Events;

        var body = await events.Protocol.InvokeRawAsync("PutRule", """{"Name":"spelled","EventPattern":"{\"source\":[\"aws.ssm\"]}"}""", Ct);

        Assert.Contains("RuleArn", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_constraint_violation_is_a_ValidationException()
    {
        using var account = fixture.NewAccount();
        var events = account.Factory.Clients(new AwsScope("us-east-1")).Events;

        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            events.Protocol.InvokeRawAsync("ListRules", """{"Limit":1000}""", Ct));

        Assert.Equal("ValidationException", error.Code);
    }
}
