using SessionAudit.Reporting.Model;

namespace SessionAudit.Reporting.Engine;

/// <summary>Receives each row as the report reads it, so exports stream without holding every session in memory.</summary>
public interface ISessionRowSink
{
    /// <summary>Takes one row; rows arrive once each, History first, then sessions only Active.</summary>
    ValueTask WriteRowAsync(SessionRow row, CancellationToken cancellationToken);
}
