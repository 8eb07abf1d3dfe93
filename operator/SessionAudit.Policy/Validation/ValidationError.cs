namespace SessionAudit.Policy.Validation;

/// <summary>One problem with a spec: the field path (spec.s3.bucketName) and what is allowed there.</summary>
public sealed record ValidationError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}
