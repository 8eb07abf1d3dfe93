using System.Runtime.CompilerServices;
using SessionAudit.Reporting.Ports;

namespace SessionAudit.Reporting.Tests.Support;

/// <summary>An in-memory source that hands out its lists in pages of 200, like DescribeSessions, and records what it was asked.</summary>
internal sealed class FakeSessionActivitySource(
    IReadOnlyList<SessionRecord> history,
    IReadOnlyList<SessionRecord> active,
    IReadOnlyList<ManagedInstance>? instances = null) : ISessionActivitySource
{
    public const int PageSize = 200;

    public List<(SessionState State, DateTimeOffset InvokedAfter)> Calls { get; } = [];

    public int PagesServed { get; private set; }

    // Deliberately ignores invokedAfter: the engine must enforce the window itself.
    public async IAsyncEnumerable<SessionRecord> GetSessionsAsync(
        SessionState state, DateTimeOffset invokedAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Calls.Add((state, invokedAfter));
        var list = state == SessionState.History ? history : active;
        for (var i = 0; i < list.Count; i++)
        {
            if (i % PageSize == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                PagesServed++;
                await Task.Yield();
            }

            yield return list[i];
        }
    }

    /// <summary>Session documents by name; the AWS-owned ones are known, any other name is a Standard_Stream document unless set here.</summary>
    public Dictionary<string, SessionDocumentType> Documents { get; } = new(StringComparer.Ordinal)
    {
        ["AWS-StartPortForwardingSession"] = new("Port"),
        ["AWS-StartPortForwardingSessionToRemoteHost"] = new("Port"),
        ["AWS-StartPortForwardingSessionToSocket"] = new("Port"),
        ["AWS-StartSSHSession"] = new("Port"),
        ["AWS-StartInteractiveCommand"] = new("InteractiveCommands"),
        ["AWS-StartNonInteractiveCommand"] = new("NonInteractiveCommands"),
    };

    /// <summary>The documents asked for, in order.</summary>
    public List<string> DocumentReads { get; } = [];

    public Task<SessionDocumentType> GetSessionTypeAsync(string documentName, CancellationToken cancellationToken)
    {
        DocumentReads.Add(documentName);
        return Task.FromResult(Documents.GetValueOrDefault(documentName) ?? new SessionDocumentType("Standard_Stream"));
    }

    public async IAsyncEnumerable<ManagedInstance> GetInstancesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var instance in instances ?? [])
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return instance;
        }
    }
}
