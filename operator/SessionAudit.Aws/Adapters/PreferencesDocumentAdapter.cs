using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>The preferences document through SSM: read the default version, create, update $LATEST, promote.</summary>
internal sealed class PreferencesDocumentAdapter(AwsClients clients) : IPreferencesDocumentPort
{
    public async Task<DocumentSnapshot?> GetAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            // GetDocument without a version returns the DEFAULT version (content and DocumentVersion), which is what the
            // console and the agent use. DescribeDocument (LatestVersion) is left to GetLatestVersionAsync: only a write needs it.
            var document = await clients.RunAsync(AwsService.Ssm, "GetDocument",
                ct => clients.Ssm.GetDocumentAsync(new GetDocumentRequest { Name = name }, ct), cancellationToken).ConfigureAwait(false);
            return new DocumentSnapshot(name, document.Content ?? "",
                document.DocumentVersion ?? throw new AwsFailure(AwsFailureKind.Invalid, "GetDocument returned no DocumentVersion"));
        }
        catch (AwsFailure f) when (f.Kind == AwsFailureKind.NotFound)
        {
            return null;
        }
    }

    public async Task<string> GetLatestVersionAsync(string name, CancellationToken cancellationToken)
    {
        var description = await clients.RunAsync(AwsService.Ssm, "DescribeDocument",
            ct => clients.Ssm.DescribeDocumentAsync(new DescribeDocumentRequest { Name = name }, ct), cancellationToken).ConfigureAwait(false);
        return description.Document?.LatestVersion
            ?? throw new AwsFailure(AwsFailureKind.Invalid, "DescribeDocument returned no LatestVersion");
    }

    public async Task<string> GetVersionContentAsync(string name, string version, CancellationToken cancellationToken)
    {
        var document = await clients.RunAsync(AwsService.Ssm, "GetDocument",
            ct => clients.Ssm.GetDocumentAsync(new GetDocumentRequest { Name = name, DocumentVersion = version }, ct), cancellationToken).ConfigureAwait(false);
        return document.Content ?? "";
    }

    public async Task<string> CreateAsync(string name, string content, CancellationToken cancellationToken)
    {
        var request = new CreateDocumentRequest
        {
            Name = name,
            Content = content,
            DocumentType = DocumentType.Session,
            DocumentFormat = DocumentFormat.JSON,
        };
        var response = await clients.RunAsync(AwsService.Ssm, "CreateDocument",
            ct => clients.Ssm.CreateDocumentAsync(request, ct), cancellationToken).ConfigureAwait(false);
        var d = response.DocumentDescription;
        return d?.DocumentVersion ?? d?.LatestVersion ?? "1";
    }

    public async Task<string?> UpdateAsync(string name, string content, CancellationToken cancellationToken)
    {
        var request = new UpdateDocumentRequest
        {
            Name = name,
            Content = content,
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
}
