namespace SessionAudit.Reporting.Ports;

/// <summary>Where the report reads session activity and managed nodes from; one account and region per instance. The AWS adapter implements it.</summary>
public interface ISessionActivitySource
{
    /// <summary>
    /// Streams the sessions in <paramref name="state"/> started after <paramref name="invokedAfter"/>
    /// (DescribeSessions with the InvokedAfter filter), following NextToken page by page.
    /// </summary>
    IAsyncEnumerable<SessionRecord> GetSessionsAsync(SessionState state, DateTimeOffset invokedAfter, CancellationToken cancellationToken);

    /// <summary>Streams every managed node (DescribeInstanceInformation), page by page.</summary>
    IAsyncEnumerable<ManagedInstance> GetInstancesAsync(CancellationToken cancellationToken);

    /// <summary>The <c>sessionType</c> of a Session document (GetDocument of its default version), which decides whether
    /// its sessions are logged. Never throws for AWS's sake: a document that cannot be read is
    /// <see cref="SessionDocumentType.Unreadable"/>.</summary>
    Task<SessionDocumentType> GetSessionTypeAsync(string documentName, CancellationToken cancellationToken);
}
