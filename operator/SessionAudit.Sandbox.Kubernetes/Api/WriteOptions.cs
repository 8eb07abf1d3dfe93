namespace SessionAudit.Sandbox.Kubernetes.Api;

/// <summary>Query options of a write: dryRun, fieldManager, fieldValidation, force.</summary>
internal sealed record WriteOptions(bool DryRun, string FieldManager, string FieldValidation, bool Force)
{
    public bool Strict => string.Equals(FieldValidation, "Strict", StringComparison.OrdinalIgnoreCase);
}
