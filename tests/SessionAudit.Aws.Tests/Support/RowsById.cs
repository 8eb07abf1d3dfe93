using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;

namespace SessionAudit.Aws.Tests.Support;

/// <summary>A report's rows, kept by session id.</summary>
internal sealed class RowsById : ISessionRowSink
{
    public Dictionary<string, SessionRow> ById { get; } = [];

    public ValueTask WriteRowAsync(SessionRow row, CancellationToken cancellationToken)
    {
        ById[row.SessionId] = row;
        return ValueTask.CompletedTask;
    }
}
