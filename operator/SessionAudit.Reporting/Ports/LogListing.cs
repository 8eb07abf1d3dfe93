namespace SessionAudit.Reporting.Ports;

/// <summary>What a listing of a log destination found: the names under the prefix (S3 keys or log stream names), or why
/// they could not be listed.</summary>
/// <param name="Names">Every name listed under the prefix, all pages; null when the listing failed.</param>
/// <param name="Missing">True when the bucket or log group does not exist (NoSuchBucket, ResourceNotFoundException).</param>
/// <param name="Error">Why the listing failed (AccessDenied, throttled past the retries...); null when it did not.</param>
public sealed record LogListing(IReadOnlySet<string>? Names, bool Missing = false, string? Error = null)
{
    /// <summary>A bucket or log group that does not exist.</summary>
    public static LogListing NotFound(string error) => new(null, Missing: true, Error: error);

    /// <summary>A destination that could not be read.</summary>
    public static LogListing Unreadable(string error) => new(null, Error: error);
}
