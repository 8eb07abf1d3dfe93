namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>An AWS error a handler raises; the protocol writer turns it into that protocol's error shape.</summary>
internal sealed class AwsException(string code, string message, int status = 400) : Exception(message)
{
    /// <summary>The error shape name (JSON protocols) or wire code; query services map shape names to their codes.</summary>
    public string Code { get; } = code;
    public int Status { get; } = status;

    /// <summary>Extra S3 error elements such as BucketName.</summary>
    public IReadOnlyDictionary<string, string>? Extra { get; init; }

    /// <summary>Extra response headers, such as S3's x-amz-bucket-region on a redirect.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>True for the JSON SerializationException family: a malformed request, not a constraint violation.</summary>
    public bool IsSerialization => Code == "SerializationException";
}
