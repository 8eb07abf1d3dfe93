using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Time.Testing;
using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;
using SessionAudit.Reporting.Rendering;
using Xunit;

namespace SessionAudit.Reporting.Tests;

public sealed class ScaleTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_100000_session_report_streams_every_row_and_keeps_only_the_capped_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        var engine = new SessionReportEngine(new GeneratedSource(100_000), new FakeTimeProvider(Now));
        var csv = new CsvReportWriter(TextWriter.Null);
        await using var json = new JsonReportWriter(Stream.Null);
        var counter = new CountingSink();
        var clock = Stopwatch.StartNew();

        var report = await engine.RunAsync(new ReportOptions(), new CompositeRowSink(csv, json, counter), null, ct);
        await json.CompleteAsync(report, ct);
        using (var html = new StringWriter())
        {
            await HtmlReportRenderer.RenderAsync(report, html, ct);
        }

        clock.Stop();
        TestContext.Current.SendDiagnosticMessage($"100,000 sessions: report + CSV + JSON + HTML in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(100_000, counter.Count);
        Assert.Equal(100_000, report.Summary.Total);
        Assert.Equal(ReportOptions.DefaultMaxRetainedRows, report.Rows.Count);
        Assert.Equal(100_000 / 10, report.Summary.Unlogged);
        Assert.Equal(500, report.Summary.DistinctTargets);
        Assert.Equal(100_000, report.SessionsPerDay.Sum(d => d.Sessions));
    }

    private sealed class CountingSink : ISessionRowSink
    {
        public int Count { get; private set; }

        public ValueTask WriteRowAsync(SessionRow row, CancellationToken cancellationToken)
        {
            Count++;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class GeneratedSource(int count) : ISessionActivitySource
    {
        public Task<SessionDocumentType> GetSessionTypeAsync(string documentName, CancellationToken cancellationToken) =>
            Task.FromResult(new SessionDocumentType(documentName.StartsWith("AWS-StartPortForwarding", StringComparison.Ordinal) ? "Port" : "Standard_Stream"));

        public Task<LogListing> ListLogObjectsAsync(string bucket, string keyPrefix, CancellationToken cancellationToken) =>
            Task.FromResult(new LogListing(new HashSet<string>()));

        public Task<LogListing> ListLogStreamsAsync(string logGroupName, string streamNamePrefix, CancellationToken cancellationToken) =>
            Task.FromResult(new LogListing(new HashSet<string>()));

        public Task<bool?> IsBucketEncryptedAsync(string bucket, CancellationToken cancellationToken) => Task.FromResult<bool?>(true);

        public async IAsyncEnumerable<SessionRecord> GetSessionsAsync(SessionState state, DateTimeOffset invokedAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (state == SessionState.Active)
            {
                yield break;
            }

            var step = TimeSpan.FromDays(29.9).Ticks / count;
            for (var i = 0; i < count; i++)
            {
                if (i % 200 == 0)
                {
                    await Task.Yield();
                }

                var start = Now - TimeSpan.FromTicks(step * i);
                yield return new SessionRecord
                {
                    SessionId = $"user{i % 50}-{i:x8}",
                    Target = $"i-{i % 500:x17}",
                    Owner = $"arn:aws:iam::111122223333:user/user{i % 50}",
                    Status = "Terminated",
                    StartDate = start,
                    EndDate = start.AddMinutes(5),
                    DocumentName = i % 10 == 0 ? "AWS-StartPortForwardingSession" : "SSM-SessionManagerRunShell",
                    AccessType = "Standard",
                };
            }
        }

        public async IAsyncEnumerable<ManagedInstance> GetInstancesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            yield break;
        }
    }
}
