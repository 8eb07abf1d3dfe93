namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>Query options of a write: dryRun, fieldManager, fieldValidation, force.</summary>
internal sealed record WriteOptions(bool DryRun, string FieldManager, string FieldValidation, bool Force)
{
    /// <summary>Whether the write records Update ownership in managedFields (apply records its own).</summary>
    public bool TrackUpdates { get; init; } = true;

    /// <summary>Manager name derived from the User-Agent when no fieldManager is given (its part before '/').</summary>
    public string UserAgentManager { get; init; } = "unknown";

    public bool Strict => string.Equals(FieldValidation, "Strict", StringComparison.OrdinalIgnoreCase);
}
