namespace SessionAudit.Reporting.Ports;

/// <summary>Where the report's files are written (an S3 bucket); one account and region per instance. The AWS adapter implements it.</summary>
public interface IReportExportPort
{
    /// <summary>Writes <paramref name="file"/>, replacing what its key held.</summary>
    Task WriteAsync(ReportFile file, CancellationToken cancellationToken);
}
