using System.Text;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;
using SessionAudit.Reporting.Rendering;

namespace SessionAudit.Reporting.Export;

/// <summary>A report exported as two files under a key prefix: <c>report.json</c> (the JSON document with the retained rows)
/// and <c>report.html</c> (the page the operator serves).</summary>
public static class ReportExport
{
    /// <summary>Name of the JSON file under the prefix.</summary>
    public const string JsonName = "report.json";

    /// <summary>Name of the HTML file under the prefix.</summary>
    public const string HtmlName = "report.html";

    /// <summary>The files of <paramref name="report"/> and its rendered <paramref name="html"/>, JSON first, under
    /// <paramref name="keyPrefix"/> (used as given: "reports/" puts them in a folder) in <paramref name="bucket"/>.</summary>
    public static async Task<IReadOnlyList<ReportFile>> FilesAsync(SessionReport report, string html, string bucket, string? keyPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(html);
        var prefix = keyPrefix ?? "";
        using var json = new MemoryStream();
        await JsonReportWriter.WriteAsync(report, json, cancellationToken);
        return
        [
            new ReportFile(bucket, prefix + JsonName, "application/json", json.ToArray()),
            new ReportFile(bucket, prefix + HtmlName, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html)),
        ];
    }

    /// <summary>Writes the files of <paramref name="report"/> through <paramref name="port"/>, one after the other (a failure
    /// stops the export and reaches the caller).</summary>
    public static Task WriteAsync(IReportExportPort port, SessionReport report, string html, string bucket, string? keyPrefix, CancellationToken cancellationToken) =>
        WriteAsync(port, report, html, bucket, keyPrefix, null, cancellationToken);

    /// <summary>Writes the files as <see cref="WriteAsync(IReportExportPort, SessionReport, string, string, string?, CancellationToken)"/>
    /// does; <paramref name="expectedBucketOwner"/>, when set, must own the bucket (S3 refuses the write otherwise).</summary>
    public static async Task WriteAsync(IReportExportPort port, SessionReport report, string html, string bucket, string? keyPrefix, string? expectedBucketOwner,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(port);
        foreach (var file in await FilesAsync(report, html, bucket, keyPrefix, cancellationToken))
        {
            await port.WriteAsync(file with { ExpectedBucketOwner = expectedBucketOwner }, cancellationToken);
        }
    }
}
