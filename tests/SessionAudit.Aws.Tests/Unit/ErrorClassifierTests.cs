using SessionAudit.Aws.Resilience;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>AWS error codes from every service the operator calls, mapped to the domain's failure kinds.</summary>
public sealed class ErrorClassifierTests
{
    [Theory]
    [InlineData("InvalidDocument", 400, AwsFailureKind.NotFound)]
    [InlineData("NoSuchBucket", 404, AwsFailureKind.NotFound)]
    [InlineData("NotFoundException", 400, AwsFailureKind.NotFound)]
    [InlineData("TrailNotFoundException", 400, AwsFailureKind.NotFound)]
    [InlineData("PipelineNotFoundException", 400, AwsFailureKind.NotFound)]
    [InlineData(null, 404, AwsFailureKind.NotFound)]
    [InlineData("AccessDenied", 403, AwsFailureKind.AccessDenied)]
    [InlineData("AuthorizationError", 403, AwsFailureKind.AccessDenied)]
    [InlineData("ThrottlingException", 400, AwsFailureKind.Throttled)]
    [InlineData("Throttling", 400, AwsFailureKind.Throttled)]
    [InlineData("SlowDown", 503, AwsFailureKind.Throttled)]
    [InlineData("TooManyRequestsException", 429, AwsFailureKind.Throttled)]
    [InlineData("DocumentAlreadyExists", 400, AwsFailureKind.Conflict)]
    [InlineData("DuplicateDocumentContent", 400, AwsFailureKind.Conflict)]
    [InlineData("ResourceAlreadyExistsException", 400, AwsFailureKind.Conflict)]
    [InlineData("ValidationException", 400, AwsFailureKind.Invalid)]
    [InlineData("LimitExceededException", 400, AwsFailureKind.Invalid)]
    [InlineData("InvalidDocumentContent", 400, AwsFailureKind.Invalid)]
    [InlineData("ServiceUnavailable", 503, AwsFailureKind.Unavailable)]
    [InlineData(null, 500, AwsFailureKind.Unavailable)]
    [InlineData("KMSInternalException", 500, AwsFailureKind.Unavailable)]
    public void Code_and_status_map_to_a_kind(string? code, int status, AwsFailureKind kind) =>
        Assert.Equal(kind, AwsErrorClassifier.Classify(code, status));

    [Fact]
    public void Bugs_are_not_classified_as_AWS_failures() =>
        Assert.Null(AwsErrorClassifier.Classify(new InvalidOperationException("bug")));
}
