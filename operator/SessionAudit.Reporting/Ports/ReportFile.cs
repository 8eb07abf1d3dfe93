namespace SessionAudit.Reporting.Ports;

/// <summary>One file of an exported report: where it goes, its media type and its bytes.</summary>
/// <param name="Bucket">The bucket it is written to.</param>
/// <param name="Key">Its key in the bucket, prefix included.</param>
/// <param name="ContentType">Its media type, for example <c>application/json</c>.</param>
/// <param name="Content">Its bytes.</param>
public sealed record ReportFile(string Bucket, string Key, string ContentType, ReadOnlyMemory<byte> Content)
{
    /// <summary>The account that must own <see cref="Bucket"/> (sent as ExpectedBucketOwner); null: not checked.</summary>
    public string? ExpectedBucketOwner { get; init; }
}
