using Amazon.Runtime;
using Polly.Timeout;
using SessionAudit.Aws.Transport;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Resilience;

/// <summary>Maps any AWS error (SDK or thin client, any protocol) to the domain's <see cref="AwsFailureKind"/>.</summary>
public static class AwsErrorClassifier
{
    private static readonly HashSet<string> NotFoundCodes = new(StringComparer.Ordinal)
    {
        "NotFound", "NoSuchBucket", "NoSuchKey", "ResourceNotFoundException", "NotFoundException", "InvalidDocument",
        "TrailNotFoundException", "PipelineNotFoundException", "InvalidResourceId", "DoesNotExistException",
        "NoSuchEntity", "InvalidInstanceId",
    };

    private static readonly HashSet<string> AccessDeniedCodes = new(StringComparer.Ordinal)
    {
        "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "AuthorizationErrorException",
        "UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature",
        "MissingAuthenticationToken", "ExpiredToken", "ExpiredTokenException", "InvalidSignatureException",
        "InvalidAccessKeyId", "InvalidSecurity", "InvalidSecurityException", "OperationNotPermittedException",
        "KMSAccessDeniedException", "InsufficientDependencyServiceAccessPermissionException",
    };

    private static readonly HashSet<string> ThrottledCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
        "SlowDown", "RequestThrottled", "RequestThrottledException", "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded", "EC2ThrottledException", "PriorRequestNotComplete", "TransactionInProgressException",
    };

    private static readonly HashSet<string> ConflictCodes = new(StringComparer.Ordinal)
    {
        "DocumentAlreadyExists", "DuplicateDocumentContent", "ConcurrentModificationException", "ResourceAlreadyExistsException",
        "ResourceInUseException", "BucketAlreadyExists", "BucketAlreadyOwnedByYou", "OperationAbortedException",
        "ConflictException", "AlreadyExistsException", "TrailAlreadyExistsException", "ResourceConflictException",
        "IdempotentParameterMismatch", "IdempotentParameterMismatchException",
    };

    private static readonly HashSet<string> UnavailableCodes = new(StringComparer.Ordinal)
    {
        "InternalFailure", "InternalError", "InternalErrorException", "InternalException", "InternalServerError",
        "ServiceUnavailable", "ServiceUnavailableException", "ServiceException", "KMSInternalException",
        "DependencyTimeoutException", "RequestTimeout", "RequestTimeoutException",
    };

    /// <summary>The kind of failure for an error code and HTTP status; codes win over statuses.</summary>
    public static AwsFailureKind Classify(string? code, int statusCode)
    {
        if (code is not null)
        {
            if (ThrottledCodes.Contains(code)) return AwsFailureKind.Throttled;
            if (NotFoundCodes.Contains(code)) return AwsFailureKind.NotFound;
            if (AccessDeniedCodes.Contains(code)) return AwsFailureKind.AccessDenied;
            if (ConflictCodes.Contains(code)) return AwsFailureKind.Conflict;
            if (UnavailableCodes.Contains(code)) return AwsFailureKind.Unavailable;
        }
        return statusCode switch
        {
            429 => AwsFailureKind.Throttled,
            404 => AwsFailureKind.NotFound,
            401 or 403 => AwsFailureKind.AccessDenied,
            409 => AwsFailureKind.Conflict,
            >= 500 => AwsFailureKind.Unavailable,
            0 => AwsFailureKind.Unavailable,
            _ => AwsFailureKind.Invalid,
        };
    }

    /// <summary>Classifies an exception thrown by an AWS call; null when it is not an AWS or transport failure (a bug: let it fly).</summary>
    public static (AwsFailureKind Kind, string? Code, string Message)? Classify(Exception exception) => exception switch
    {
        AwsFailure f => (f.Kind, f.Code, f.Message),
        AwsServiceException t => (Classify(t.Code, (int)t.StatusCode), t.Code, t.ErrorMessage),
        AmazonServiceException s when s.ErrorCode is null && s.StatusCode != 0 =>
            (Classify(null, (int)s.StatusCode), null, WithoutCode(s)),
        AmazonServiceException s when s.StatusCode != 0 || s.ErrorCode is not null =>
            (Classify(s.ErrorCode, (int)s.StatusCode), s.ErrorCode, s.Message),
        AmazonServiceException s when Transport(s) => (AwsFailureKind.Unavailable, null, s.Message),
        AmazonClientException c when Transport(c) => (AwsFailureKind.Unavailable, null, c.Message),
        HttpRequestException h => (AwsFailureKind.Unavailable, null, h.Message),
        TimeoutRejectedException t => (AwsFailureKind.Unavailable, "Timeout", t.Message),
        IOException io => (AwsFailureKind.Unavailable, null, io.Message),
        _ => null,
    };

    /// <summary>True for the failures a retry may cure: throttling and service unavailability (5xx, network).</summary>
    public static bool IsRetryable(Exception exception) =>
        Classify(exception) is { Kind: AwsFailureKind.Throttled or AwsFailureKind.Unavailable };

    // The SDK's message for an answer it could not read is "The service returned an error. See inner exception for
    // details."; the body is gone by then, so our handler left an excerpt in a response header.
    private static string WithoutCode(AmazonServiceException s)
    {
        for (var x = s.InnerException; x is not null; x = x.InnerException)
        {
            if (x is Amazon.Runtime.Internal.HttpErrorResponseException { Response: { } response })
            {
                var excerpt = response.IsHeaderPresent(ErrorExcerpt.Header) ? response.GetHeaderValue(ErrorExcerpt.Header) : null;
                return ErrorExcerpt.Describe(s.StatusCode, null, excerpt);
            }
        }

        return ErrorExcerpt.Describe(s.StatusCode, null, s.Message);
    }

    private static bool Transport(Exception e)
    {
        for (var x = e.InnerException; x is not null; x = x.InnerException)
        {
            if (x is HttpRequestException or IOException or TimeoutException) return true;
        }
        return false;
    }

    internal static string Outcome(AwsFailureKind kind) => kind switch
    {
        AwsFailureKind.NotFound => "not_found",
        AwsFailureKind.AccessDenied => "access_denied",
        AwsFailureKind.Throttled => "throttled",
        AwsFailureKind.Invalid => "invalid",
        AwsFailureKind.Conflict => "conflict",
        _ => "unavailable",
    };
}
