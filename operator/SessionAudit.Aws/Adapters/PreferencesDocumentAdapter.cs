using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Policy.Ports;
using DocumentVersionInfo = SessionAudit.Policy.Ports.DocumentVersionInfo;

namespace SessionAudit.Aws.Adapters;

/// <summary>The preferences document through SSM: read the default version (always as JSON), create, update $LATEST,
/// promote, list and delete versions.</summary>
internal sealed class PreferencesDocumentAdapter(AwsClients clients) : IPreferencesDocumentPort
{
    public async Task<DocumentSnapshot?> GetAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            // GetDocument without a version returns the DEFAULT version (content and DocumentVersion), which is what the
            // console and the agent use.
            // DocumentFormat=JSON: GetDocument answers in the format the document is stored in unless asked, and a document
            // saved as YAML elsewhere must not be taken for unparseable content.
            var document = await clients.RunAsync(AwsService.Ssm, "GetDocument",
                ct => clients.Ssm.GetDocumentAsync(new GetDocumentRequest { Name = name, DocumentFormat = DocumentFormat.JSON }, ct), cancellationToken).ConfigureAwait(false);
            return new DocumentSnapshot(name, document.Content ?? "",
                document.DocumentVersion ?? throw new AwsFailure(AwsFailureKind.Invalid, "GetDocument returned no DocumentVersion"),
                DocumentType: document.DocumentType?.Value ?? "Session");
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            return null;
        }
    }

    public async Task<string> GetVersionContentAsync(string name, string version, CancellationToken cancellationToken)
    {
        var document = await clients.RunAsync(AwsService.Ssm, "GetDocument",
            ct => clients.Ssm.GetDocumentAsync(new GetDocumentRequest { Name = name, DocumentVersion = version, DocumentFormat = DocumentFormat.JSON }, ct),
            cancellationToken).ConfigureAwait(false);
        return document.Content ?? "";
    }

    public async Task<IReadOnlyList<DocumentVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var versions = new List<DocumentVersionInfo>();
        string? token = null;
        do
        {
            var request = new ListDocumentVersionsRequest { Name = name, MaxResults = 50, NextToken = token };
            var page = await clients.RunAsync(AwsService.Ssm, "ListDocumentVersions",
                ct => clients.Ssm.ListDocumentVersionsAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var v in page.DocumentVersions ?? [])
            {
                if (v.DocumentVersion is { } number)
                {
                    versions.Add(new DocumentVersionInfo(number, v.VersionName, v.IsDefaultVersion ?? false));
                }
            }

            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (token is not null);

        return versions
            .OrderByDescending(v => long.TryParse(v.Version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0)
            .ToList();
    }

    public async Task<string> CreateAsync(string name, string content, string? versionName, CancellationToken cancellationToken)
    {
        var request = new CreateDocumentRequest
        {
            Name = name,
            Content = content,
            VersionName = versionName,
            DocumentType = DocumentType.Session,
            DocumentFormat = DocumentFormat.JSON,
        };
        var response = await clients.RunAsync(AwsService.Ssm, "CreateDocument",
            ct => clients.Ssm.CreateDocumentAsync(request, ct), cancellationToken).ConfigureAwait(false);
        var d = response.DocumentDescription;
        return d?.DocumentVersion ?? d?.LatestVersion ?? "1";
    }

    public async Task<string?> UpdateAsync(string name, string content, string? versionName, CancellationToken cancellationToken)
    {
        var request = new UpdateDocumentRequest
        {
            Name = name,
            Content = content,
            VersionName = versionName,
            DocumentVersion = "$LATEST",
            DocumentFormat = DocumentFormat.JSON,
        };
        try
        {
            var response = await clients.RunAsync(AwsService.Ssm, "UpdateDocument",
                ct => clients.Ssm.UpdateDocumentAsync(request, ct), cancellationToken).ConfigureAwait(false);
            var d = response.DocumentDescription;
            return d?.DocumentVersion ?? d?.LatestVersion
                ?? throw new AwsFailure(AwsFailureKind.Invalid, "UpdateDocument returned no version");
        }
        catch (AwsFailure f) when (f.Code == "DuplicateDocumentContent")
        {
            return null;
        }
    }

    public Task SetDefaultVersionAsync(string name, string version, CancellationToken cancellationToken) =>
        clients.RunAsync(AwsService.Ssm, "UpdateDocumentDefaultVersion",
            ct => clients.Ssm.UpdateDocumentDefaultVersionAsync(new UpdateDocumentDefaultVersionRequest { Name = name, DocumentVersion = version }, ct),
            cancellationToken);

    public Task DeleteVersionAsync(string name, string version, CancellationToken cancellationToken)
    {
        // DeleteDocument without a version deletes the whole document: only a plain version number may pass.
        if (version.Length == 0 || version[0] == '0' || !version.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"not a document version number: '{version}'", nameof(version));
        }

        return clients.RunAsync(AwsService.Ssm, "DeleteDocument",
            ct => clients.Ssm.DeleteDocumentAsync(new DeleteDocumentRequest { Name = name, DocumentVersion = version }, ct),
            cancellationToken);
    }
}
