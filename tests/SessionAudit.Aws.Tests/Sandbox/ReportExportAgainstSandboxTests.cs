using System.Text;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using SessionAudit.Reporting.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>The report export port's adapter against the AWS stand-in: one PutObject per file, nothing else.</summary>
public sealed class ReportExportAgainstSandboxTests(SandboxFixture fixture)
{
    private static readonly AwsScope Scope = new("eu-west-1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_file_is_written_with_its_key_content_and_type_and_replaces_what_the_key_held()
    {
        using var account = fixture.NewAccount("""
            - name: eu-west-1
              buckets:
                - name: audit-reports
            """);
        var export = account.Factory.ReportExport(Scope);

        await export.WriteAsync(new ReportFile("audit-reports", "reports/report.html", "text/html; charset=utf-8", Encoding.UTF8.GetBytes("<p>first</p>")), Ct);
        await export.WriteAsync(new ReportFile("audit-reports", "reports/report.html", "text/html; charset=utf-8", Encoding.UTF8.GetBytes("<p>second – ünïcode</p>")), Ct);

        var clients = account.Factory.Clients(Scope);
        using var get = await clients.RunAsync(AwsService.S3, "GetObject", c => clients.S3.GetObjectAsync("audit-reports", "reports/report.html", c), Ct);
        using var reader = new StreamReader(get.ResponseStream, Encoding.UTF8);
        Assert.Equal("<p>second – ünïcode</p>", await reader.ReadToEndAsync(Ct));
        Assert.Equal("text/html; charset=utf-8", get.Headers.ContentType);
        Assert.Equal(["PutObject", "PutObject"], account.Calls.Where(c => c.Operation != "GetObject").Select(c => c.Operation));
    }

    [Fact]
    public async Task A_missing_bucket_is_a_not_found_failure_the_host_reports()
    {
        using var account = fixture.NewAccount();
        var export = account.Factory.ReportExport(Scope);

        var failure = await Assert.ThrowsAsync<AwsFailure>(() =>
            export.WriteAsync(new ReportFile("no-such-report-bucket", "report.json", "application/json", "{}"u8.ToArray()), Ct));

        Assert.Equal(AwsFailureKind.NotFound, failure.Kind);
    }
}
