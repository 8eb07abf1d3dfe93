namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>A fully formed HTTP answer; protocols and the S3 handlers build these.</summary>
internal sealed record WireResponse(int Status, string? ContentType, byte[] Body)
{
    public List<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The AWS error code when the response is an error (for the call log).</summary>
    public string? ErrorCode { get; init; }

    public static WireResponse Empty(int status = 200) => new(status, null, []);
}
