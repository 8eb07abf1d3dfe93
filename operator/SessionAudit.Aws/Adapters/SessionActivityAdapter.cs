using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Reporting.Ports;
using ReportState = SessionAudit.Reporting.Ports.SessionState;

namespace SessionAudit.Aws.Adapters;

/// <summary>Session history and managed nodes for the report: DescribeSessions and DescribeInstanceInformation, page by page.</summary>
internal sealed class SessionActivityAdapter(AwsClients clients) : ISessionActivitySource
{
    // DescribeSessions allows at most 200 per page; DescribeInstanceInformation at most 50.
    private const int SessionPageSize = 200;
    private const int InstancePageSize = 50;

    public async IAsyncEnumerable<SessionRecord> GetSessionsAsync(ReportState state, DateTimeOffset invokedAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = new SessionFilter
        {
            Key = SessionFilterKey.InvokedAfter,
            Value = invokedAfter.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        string? token = null;
        do
        {
            var request = new DescribeSessionsRequest
            {
                State = state == ReportState.Active ? Amazon.SimpleSystemsManagement.SessionState.Active : Amazon.SimpleSystemsManagement.SessionState.History,
                Filters = [filter],
                MaxResults = SessionPageSize,
                NextToken = token,
            };
            var page = await clients.RunAsync(AwsService.Ssm, "DescribeSessions",
                ct => clients.Ssm.DescribeSessionsAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var s in page.Sessions ?? [])
            {
                yield return new SessionRecord
                {
                    SessionId = s.SessionId,
                    Target = s.Target,
                    Status = s.Status?.Value ?? "Unknown",
                    StartDate = Utc(s.StartDate),
                    EndDate = Utc(s.EndDate),
                    DocumentName = s.DocumentName,
                    Owner = s.Owner,
                    Reason = s.Reason,
                    MaxSessionDuration = s.MaxSessionDuration,
                    AccessType = s.AccessType?.Value,
                };
            }
            token = string.IsNullOrEmpty(page.NextToken) || page.NextToken == token ? null : page.NextToken;
        }
        while (token is not null);
    }

    public async IAsyncEnumerable<ManagedInstance> GetInstancesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var request = new DescribeInstanceInformationRequest { MaxResults = InstancePageSize, NextToken = token };
            var page = await clients.RunAsync(AwsService.Ssm, "DescribeInstanceInformation",
                ct => clients.Ssm.DescribeInstanceInformationAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var i in page.InstanceInformationList ?? [])
            {
                yield return new ManagedInstance
                {
                    InstanceId = i.InstanceId,
                    PlatformType = i.PlatformType?.Value,
                    PlatformName = i.PlatformName,
                    PlatformVersion = i.PlatformVersion,
                    AgentVersion = i.AgentVersion,
                    PingStatus = i.PingStatus?.Value,
                    ComputerName = i.ComputerName,
                };
            }
            token = string.IsNullOrEmpty(page.NextToken) || page.NextToken == token ? null : page.NextToken;
        }
        while (token is not null);
    }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime()) : null;

    public async Task<SessionDocumentType> GetSessionTypeAsync(string documentName, CancellationToken cancellationToken)
    {
        try
        {
            var document = await clients.RunAsync(AwsService.Ssm, "GetDocument",
                ct => clients.Ssm.GetDocumentAsync(new GetDocumentRequest { Name = documentName, DocumentFormat = DocumentFormat.JSON }, ct), cancellationToken).ConfigureAwait(false);
            var root = System.Text.Json.Nodes.JsonNode.Parse(document.Content ?? "") as System.Text.Json.Nodes.JsonObject;
            return root?["sessionType"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var type)
                ? new SessionDocumentType(type)
                : SessionDocumentType.Unreadable($"document {documentName} has no sessionType (type {document.DocumentType?.Value ?? "unknown"})");
        }
        catch (Policy.Ports.AwsFailure f) when (f.Code == "InvalidDocument")
        {
            return SessionDocumentType.NotFound($"{f.Code}: {f.Message}");
        }
        catch (Policy.Ports.AwsFailure f)
        {
            return SessionDocumentType.Unreadable($"{f.Code ?? f.Kind.ToString()}: {f.Message}");
        }
        catch (System.Text.Json.JsonException e)
        {
            return SessionDocumentType.Unreadable($"document {documentName} is not JSON: {e.Message}");
        }
    }
}
