namespace SessionAudit.Policy.Ports;

/// <summary>The small set of ways an AWS call can fail, as the domain needs to tell them apart.</summary>
public enum AwsFailureKind
{
    /// <summary>The named thing does not exist (NoSuchBucket, ResourceNotFoundException, InvalidDocument, NotFoundException...).</summary>
    NotFound,
    /// <summary>The credentials may not do this (AccessDenied, AccessDeniedException, UnauthorizedOperation...).</summary>
    AccessDenied,
    /// <summary>AWS asked us to slow down (Throttling, ThrottlingException, TooManyRequestsException, SlowDown...).</summary>
    Throttled,
    /// <summary>The request was rejected as invalid (ValidationException, InvalidParameter..., InvalidDocumentContent, KMSInvalidStateException...).</summary>
    Invalid,
    /// <summary>The state changed under us or already exists (DocumentAlreadyExists, ConcurrentModificationException, ResourceAlreadyExists...).</summary>
    Conflict,
    /// <summary>AWS or the network is unavailable (5xx, timeouts, connection refused).</summary>
    Unavailable,
}

/// <summary>An AWS call failed; adapters map every service error to one <see cref="AwsFailureKind"/>.</summary>
public sealed class AwsFailure : Exception
{
    /// <summary>Creates a failure.</summary>
    public AwsFailure(AwsFailureKind kind, string? code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Code = code;
    }

    /// <summary>Creates a failure without an AWS error code.</summary>
    public AwsFailure(AwsFailureKind kind, string message) : this(kind, null, message) { }

    /// <summary>What kind of failure this is.</summary>
    public AwsFailureKind Kind { get; }

    /// <summary>The AWS error code as AWS sent it (for example "DocumentAlreadyExists"), when known.</summary>
    public string? Code { get; }

    /// <summary>True when retrying later may succeed without anybody changing anything.</summary>
    public bool IsTransient => Kind is AwsFailureKind.Throttled or AwsFailureKind.Unavailable or AwsFailureKind.Conflict;
}
