namespace SessionAudit.Policy.Ports;

/// <summary>What SSM says about a document: the content of its DEFAULT version (as JSON) and that version's number.</summary>
/// <param name="Name">Document name.</param>
/// <param name="Content">JSON content of the default version (GetDocument with DocumentFormat=JSON and no version), the one
/// Session Manager uses; a document stored as YAML comes back converted.</param>
/// <param name="DefaultVersion">The default version's number, for example "3" (GetDocument's DocumentVersion).</param>
/// <param name="LatestVersion">$LATEST's number when the read already knew it; null when it was not read
/// (<see cref="IPreferencesDocumentPort.ListVersionsAsync"/> lists it first when it matters).</param>
/// <param name="DocumentType">The document's type (Session, Command, Automation, ...); only Session documents hold preferences.</param>
public sealed record DocumentSnapshot(string Name, string Content, string DefaultVersion, string? LatestVersion = null, string DocumentType = "Session");

/// <summary>One version of a document (ListDocumentVersions).</summary>
/// <param name="Version">Version number, for example "4".</param>
/// <param name="VersionName">The version's name; the operator names the versions it writes (an ownership marker).</param>
/// <param name="IsDefault">True for the default version.</param>
public sealed record DocumentVersionInfo(string Version, string? VersionName, bool IsDefault);

/// <summary>The Session Manager preferences document (SSM CreateDocument/GetDocument/ListDocumentVersions/
/// UpdateDocument/UpdateDocumentDefaultVersion/DeleteDocument).</summary>
public interface IPreferencesDocumentPort
{
    /// <summary>Reads the default version's content (as JSON), number and the document's type with one read (GetDocument);
    /// null when the document does not exist (InvalidDocument). A no-op needs nothing more: the default is what Session
    /// Manager uses and what is compared.</summary>
    Task<DocumentSnapshot?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Reads the content of one version as JSON (GetDocument with DocumentVersion and DocumentFormat=JSON).</summary>
    Task<string> GetVersionContentAsync(string name, string version, CancellationToken cancellationToken);

    /// <summary>Every version of the document, newest first (ListDocumentVersions, all pages).</summary>
    Task<IReadOnlyList<DocumentVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken);

    /// <summary>CreateDocument(DocumentType=Session, DocumentFormat=JSON, VersionName); returns the new version ("1").
    /// Throws <see cref="AwsFailure"/> with <see cref="AwsFailureKind.Conflict"/> on DocumentAlreadyExists.</summary>
    Task<string> CreateAsync(string name, string content, string? versionName, CancellationToken cancellationToken);

    /// <summary>UpdateDocument with DocumentVersion="$LATEST"; returns the new version (NOT yet default), or null when AWS
    /// answers DuplicateDocumentContent (some existing version, not only $LATEST, already holds this content). Throws
    /// <see cref="AwsFailure"/> with code DocumentVersionLimitExceeded when the document is full, and with code
    /// DuplicateDocumentVersionName when another version already carries <paramref name="versionName"/>.</summary>
    Task<string?> UpdateAsync(string name, string content, string? versionName, CancellationToken cancellationToken);

    /// <summary>UpdateDocumentDefaultVersion.</summary>
    Task SetDefaultVersionAsync(string name, string version, CancellationToken cancellationToken);

    /// <summary>Deletes one version that is not the default (DeleteDocument with DocumentVersion); never the whole document.</summary>
    Task DeleteVersionAsync(string name, string version, CancellationToken cancellationToken);
}
