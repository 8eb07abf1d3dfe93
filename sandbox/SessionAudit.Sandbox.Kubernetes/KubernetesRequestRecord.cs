namespace SessionAudit.Sandbox.Kubernetes;

/// <summary>One request the sandbox answered, as an audit log would describe it (FieldManager: the `fieldManager` query parameter, "" when absent).</summary>
public sealed record KubernetesRequestRecord(
    DateTimeOffset Time,
    string Method,
    string Path,
    string Verb,
    string Group,
    string Version,
    string Resource,
    string Subresource,
    string Namespace,
    string Name,
    string UserAgent,
    string Identity,
    int StatusCode,
    string ContentType,
    string FieldManager = "");
