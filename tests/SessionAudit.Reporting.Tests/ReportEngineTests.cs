using Microsoft.Extensions.Time.Testing;
using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;
using SessionAudit.Reporting.Tests.Support;
using Xunit;

namespace SessionAudit.Reporting.Tests;

public sealed class ReportEngineTests
{
    private static SessionReportEngine Engine(FakeSessionActivitySource source) =>
        new(source, new FakeTimeProvider(SeededHistory.Now));

    [Fact]
    public async Task Sessions_are_classified_by_their_documents_session_type_read_once_per_document()
    {
        SessionRecord Session(string id, string document) => new()
        {
            SessionId = id,
            Target = "i-0123456789abcdef0",
            Status = "Terminated",
            StartDate = SeededHistory.Now.AddHours(-2),
            EndDate = SeededHistory.Now.AddHours(-1),
            DocumentName = document,
        };
        var source = new FakeSessionActivitySource(
            [Session("a-1", "Team-DatabaseTunnel"), Session("a-2", "Team-DatabaseTunnel"), Session("a-3", "Team-Shell"), Session("a-4", "Team-Locked"), Session("a-5", "SSM-SessionManagerRunShell")],
            []);
        source.Documents["Team-DatabaseTunnel"] = new SessionDocumentType("Port");
        source.Documents["Team-Shell"] = new SessionDocumentType("Standard_Stream");
        source.Documents["Team-Locked"] = SessionDocumentType.Unreadable("AccessDeniedException: not allowed");

        var report = await Engine(source).RunAsync(new ReportOptions(), TestContext.Current.CancellationToken);

        var reasons = report.Rows.ToDictionary(r => r.SessionId, r => r.NotLoggedReason);
        Assert.Equal(NotLoggedReason.PortForwarding, reasons["a-1"]);
        Assert.Equal(NotLoggedReason.PortForwarding, reasons["a-2"]);
        Assert.Equal(NotLoggedReason.None, reasons["a-3"]);
        Assert.Equal(NotLoggedReason.Unknown, reasons["a-4"]);
        Assert.Equal(NotLoggedReason.None, reasons["a-5"]);
        Assert.Equal(["Team-DatabaseTunnel", "Team-Shell", "Team-Locked", "SSM-SessionManagerRunShell"], source.DocumentReads);
        Assert.Equal(3, report.Summary.Unlogged);
    }

    [Fact]
    public async Task Reads_Active_then_History_after_the_window_start_across_pages()
    {
        var seed = new SeededHistory();
        var source = new FakeSessionActivitySource(seed.History, seed.Active);

        await Engine(source).RunAsync(new ReportOptions(), TestContext.Current.CancellationToken);

        var windowStart = SeededHistory.Now - TimeSpan.FromDays(30);
        Assert.Equal([(SessionState.Active, windowStart), (SessionState.History, windowStart)], source.Calls);
        Assert.True(source.PagesServed >= 3, $"history of {seed.History.Count} sessions should span pages, served {source.PagesServed}");
    }

    [Fact]
    public async Task Summary_counts_each_session_in_the_window_once()
    {
        var seed = new SeededHistory();
        var report = await Engine(new FakeSessionActivitySource(seed.History, seed.Active))
            .RunAsync(new ReportOptions { MaxRetainedRows = int.MaxValue }, TestContext.Current.CancellationToken);

        var s = report.Summary;
        Assert.Equal(seed.Expected.Count, s.Total);
        Assert.Equal(262, s.Total);
        Assert.Equal(seed.ExpectedUnlogged, s.Unlogged);
        Assert.Equal(seed.Expected.Values.GroupBy(v => v.Status).ToDictionary(g => g.Key, g => g.Count()), s.ByStatus);
        Assert.Equal(18, s.DistinctTargets);
        Assert.Equal(6, s.DistinctOwners);
        Assert.Equal(SeededHistory.Now, s.LastReportTime);
        Assert.Equal(new ReportWindow(30, SeededHistory.Now.AddDays(-30), SeededHistory.Now), s.Window);
        Assert.True(report.AllRowsRetained);
        Assert.Equal(seed.Expected.Keys.Order(), report.Rows.Select(r => r.SessionId).Order());
        Assert.DoesNotContain(report.Rows, r => seed.TooOld.Contains(r.SessionId));
    }

    [Fact]
    public async Task A_session_in_both_Active_and_History_is_one_row_with_the_History_record()
    {
        var seed = new SeededHistory();
        var report = await Engine(new FakeSessionActivitySource(seed.History, seed.Active))
            .RunAsync(new ReportOptions(), TestContext.Current.CancellationToken);

        foreach (var active in seed.Active.Take(3))
        {
            var row = Assert.Single(report.Rows, r => r.SessionId == active.SessionId);
            Assert.Equal("Terminated", row.Status);
            Assert.Equal(SessionState.History, row.State);
            Assert.NotNull(row.End);
        }
    }

    [Fact]
    public async Task An_open_session_lasts_until_the_report_time()
    {
        var seed = new SeededHistory();
        var report = await Engine(new FakeSessionActivitySource(seed.History, seed.Active))
            .RunAsync(new ReportOptions(), TestContext.Current.CancellationToken);

        var open = Assert.Single(report.Rows, r => r.SessionId == "open0-0a1b2c3d4e5f");
        Assert.Equal(SessionState.Active, open.State);
        Assert.Null(open.End);
        Assert.Equal(TimeSpan.FromMinutes(30), open.Duration);
        Assert.True(open.Logged);
    }

    [Fact]
    public async Task Sessions_per_day_cover_every_day_of_the_window_and_add_up_to_the_total()
    {
        var seed = new SeededHistory();
        var report = await Engine(new FakeSessionActivitySource(seed.History, seed.Active))
            .RunAsync(new ReportOptions(), TestContext.Current.CancellationToken);

        Assert.Equal(31, report.SessionsPerDay.Count); // 30 days back from midday spans 31 UTC dates
        Assert.Equal(new DateOnly(2025, 5, 31), report.SessionsPerDay[0].Day);
        Assert.Equal(new DateOnly(2025, 6, 30), report.SessionsPerDay[^1].Day);
        Assert.Equal(report.Summary.Total, report.SessionsPerDay.Sum(d => d.Sessions));
        Assert.Equal(report.Summary.Unlogged, report.SessionsPerDay.Sum(d => d.Unlogged));
    }

    [Fact]
    public async Task A_shorter_window_keeps_only_its_days()
    {
        var seed = new SeededHistory();
        var report = await Engine(new FakeSessionActivitySource(seed.History, seed.Active))
            .RunAsync(new ReportOptions { Days = 7 }, TestContext.Current.CancellationToken);

        var start = SeededHistory.Now.AddDays(-7);
        var expected = seed.History.Concat(seed.Active).Where(s => s.StartDate >= start).Select(s => s.SessionId).Distinct().Count();
        Assert.Equal(expected, report.Summary.Total);
        Assert.All(report.Rows, r => Assert.True(r.Start >= start));
        Assert.Equal(8, report.SessionsPerDay.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    public async Task A_window_outside_1_to_30_days_is_refused(int days)
    {
        var engine = Engine(new FakeSessionActivitySource([], []));
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => engine.RunAsync(new ReportOptions { Days = days }, TestContext.Current.CancellationToken));
        Assert.Contains("between 1 and 30", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_lists_rank_by_sessions_then_name()
    {
        var seed = new SeededHistory();
        var report = await Engine(new FakeSessionActivitySource(seed.History, seed.Active))
            .RunAsync(new ReportOptions { TopCount = 3 }, TestContext.Current.CancellationToken);

        Assert.Equal(3, report.TopTargets.Count);
        Assert.True(report.TopTargets.Zip(report.TopTargets.Skip(1)).All(p => p.First.Sessions >= p.Second.Sessions));
        var owners = seed.Expected.Keys.Select(id => report.Rows.Single(r => r.SessionId == id).Owner!)
            .GroupBy(o => o).Select(g => (g.Key, g.Count())).OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).Take(3);
        Assert.Equal(owners.Select(o => new NameCount(o.Key, o.Item2)), report.TopOwners);
    }

    [Fact]
    public async Task Retained_rows_are_capped_but_the_sink_gets_every_row()
    {
        var seed = new SeededHistory();
        var sink = new CollectingSink();
        var report = await Engine(new FakeSessionActivitySource(seed.History, seed.Active))
            .RunAsync(new ReportOptions { MaxRetainedRows = 50 }, sink, null, TestContext.Current.CancellationToken);

        Assert.Equal(50, report.Rows.Count);
        Assert.Equal(seed.ExpectedUnlogged, report.UnloggedRows.Count);
        Assert.False(report.AllRowsRetained);
        Assert.Equal(seed.Expected.Count, sink.Rows.Count);
        Assert.Equal(sink.Rows.Count, sink.Rows.Select(r => r.SessionId).Distinct().Count());
        Assert.True(report.Rows.Zip(report.Rows.Skip(1)).All(p => p.First.Start >= p.Second.Start), "rows newest first");
    }

    [Fact]
    public async Task Retained_rows_are_the_newest_whatever_order_the_source_returns()
    {
        var seed = new SeededHistory();
        var shuffled = seed.History.OrderBy(s => s.SessionId.GetHashCode(StringComparison.Ordinal)).ToList();
        var report = await Engine(new FakeSessionActivitySource(shuffled, seed.Active))
            .RunAsync(new ReportOptions { MaxRetainedRows = 20 }, TestContext.Current.CancellationToken);

        var all = await Engine(new FakeSessionActivitySource(seed.History, seed.Active))
            .RunAsync(new ReportOptions { MaxRetainedRows = int.MaxValue }, TestContext.Current.CancellationToken);
        Assert.Equal(all.Rows.Take(20).Select(r => r.SessionId), report.Rows.Select(r => r.SessionId));
        Assert.Equal(all.UnloggedRows.Take(20).Select(r => r.SessionId), report.UnloggedRows.Select(r => r.SessionId));
        Assert.True(all.Rows.Zip(all.Rows.Skip(1)).All(p => p.First.Start >= p.Second.Start), "rows newest first");
    }

    [Fact]
    public async Task Progress_is_reported_while_reading()
    {
        var seed = new SeededHistory();
        var seen = new List<ReportProgress>();
        await Engine(new FakeSessionActivitySource(seed.History, seed.Active))
            .RunAsync(new ReportOptions(), null, new SynchronousProgress(seen.Add), TestContext.Current.CancellationToken);

        Assert.Contains(seen, p => p.Phase == SessionState.History && p.SessionsRead == 200);
        Assert.Equal(new ReportProgress(null, seed.History.Count + seed.Active.Count, 0), seen[^1]);
    }

    [Fact]
    public async Task Cancellation_stops_the_report()
    {
        var seed = new SeededHistory();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var sink = new CollectingSink(onRow: count => { if (count == 10) { cts.Cancel(); } });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Engine(new FakeSessionActivitySource(seed.History, seed.Active))
            .RunAsync(new ReportOptions(), sink, null, cts.Token));
        Assert.True(sink.Rows.Count < 250);
    }

    private sealed class CollectingSink(Action<int>? onRow = null) : ISessionRowSink
    {
        public List<SessionRow> Rows { get; } = [];

        public ValueTask WriteRowAsync(SessionRow row, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Rows.Add(row);
            onRow?.Invoke(Rows.Count);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class SynchronousProgress(Action<ReportProgress> report) : IProgress<ReportProgress>
    {
        public void Report(ReportProgress value) => report(value);
    }
}
