namespace SessionAudit.Policy.Ports;

/// <summary>What SSM says about a Session document: the content of its DEFAULT version and that version's number.</summary>
/// <param name="Name">Document name.</param>
/// <param name="Content">JSON content of the default version (GetDocument without a version), the one Session Manager uses.</param>
/// <param name="DefaultVersion">The default version's number, for example "3" (GetDocument's DocumentVersion).</param>
/// <param name="LatestVersion">$LATEST's number when the read already knew it; null when it was not read
/// (ask <see cref="IPreferencesDocumentPort.GetLatestVersionAsync"/> when it matters).</param>
public sealed record DocumentSnapshot(string Name, string Content, string DefaultVersion, string? LatestVersion = null);

/// <summary>The Session Manager preferences document (SSM CreateDocument/GetDocument/DescribeDocument/UpdateDocument/UpdateDocumentDefaultVersion).</summary>
public interface IPreferencesDocumentPort
{
    /// <summary>Reads the default version's content and number with one read (GetDocument); null when the document does not
    /// exist (InvalidDocument). A no-op needs nothing more: the default is what Session Manager uses and what is compared.</summary>
    Task<DocumentSnapshot?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>$LATEST's version number (DescribeDocument LatestVersion), read only when a write needs it.</summary>
    Task<string> GetLatestVersionAsync(string name, CancellationToken cancellationToken);

    /// <summary>Reads the content of one version (GetDocument with DocumentVersion), used to restore on deletion.</summary>
    Task<string> GetVersionContentAsync(string name, string version, CancellationToken cancellationToken);

    /// <summary>CreateDocument(DocumentType=Session, DocumentFormat=JSON); returns the new version ("1").
    /// Throws <see cref="AwsFailure"/> with <see cref="AwsFailureKind.Conflict"/> on DocumentAlreadyExists.</summary>
    Task<string> CreateAsync(string name, string content, CancellationToken cancellationToken);

    /// <summary>UpdateDocument with DocumentVersion="$LATEST"; returns the new version (NOT yet default),
    /// or null when AWS answers DuplicateDocumentContent (the latest version already has this content).</summary>
    Task<string?> UpdateAsync(string name, string content, CancellationToken cancellationToken);

    /// <summary>UpdateDocumentDefaultVersion.</summary>
    Task SetDefaultVersionAsync(string name, string version, CancellationToken cancellationToken);
}
