using SessionAudit.Reporting.Model;

namespace SessionAudit.Reporting.Engine;

/// <summary>Sends each row to several sinks, e.g. the JSON and CSV exports of one run.</summary>
public sealed class CompositeRowSink(params IReadOnlyList<ISessionRowSink> sinks) : ISessionRowSink
{
    /// <inheritdoc />
    public async ValueTask WriteRowAsync(SessionRow row, CancellationToken cancellationToken)
    {
        foreach (var sink in sinks)
        {
            await sink.WriteRowAsync(row, cancellationToken);
        }
    }
}
