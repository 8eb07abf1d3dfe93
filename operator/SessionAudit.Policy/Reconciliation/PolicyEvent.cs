namespace SessionAudit.Policy.Reconciliation;

/// <summary>A Kubernetes Event the caller records on the policy.</summary>
/// <param name="Type">"Normal" or "Warning".</param>
/// <param name="Reason">CamelCase reason, for example DocumentUpdated or BucketNotFound.</param>
/// <param name="Message">What happened.</param>
public sealed record PolicyEvent(string Type, string Reason, string Message)
{
    /// <summary>A Normal event.</summary>
    public static PolicyEvent Normal(string reason, string message) => new("Normal", reason, message);

    /// <summary>A Warning event.</summary>
    public static PolicyEvent Warning(string reason, string message) => new("Warning", reason, message);
}
