namespace SessionAudit.Policy.Ports;

/// <summary>What SSM says about a Session document: the content of its DEFAULT version and its version numbers.</summary>
/// <param name="Name">Document name.</param>
/// <param name="Content">JSON content of the default version (GetDocument without a version).</param>
/// <param name="DefaultVersion">DescribeDocument DefaultVersion, for example "3".</param>
/// <param name="LatestVersion">DescribeDocument LatestVersion.</param>
public sealed record DocumentSnapshot(string Name, string Content, string DefaultVersion, string LatestVersion);

/// <summary>The Session Manager preferences document (SSM CreateDocument/GetDocument/DescribeDocument/UpdateDocument/UpdateDocumentDefaultVersion).</summary>
public interface IPreferencesDocumentPort
{
    /// <summary>Reads the default version's content and the version numbers; null when the document does not exist (InvalidDocument).</summary>
    Task<DocumentSnapshot?> GetAsync(string name, CancellationToken cancellationToken);

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
