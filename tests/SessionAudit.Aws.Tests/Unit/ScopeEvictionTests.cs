using Microsoft.Extensions.Time.Testing;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Services.Events;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>A scope no call has used for the idle timeout is dropped, and made again (new clients, role assumed again) on next use.</summary>
public sealed class ScopeEvictionTests
{
    private static readonly AwsScope East = new("us-east-1");
    private static readonly AwsScope West = new("us-west-2");

    private static StubAws Stub(FakeTimeProvider time, TimeSpan idle) =>
        new(_ => RecordingHandler.Json("{}"), StubAws.Fast with { ScopeIdleTimeout = idle }, time);

    [Fact]
    public async Task A_scope_idle_for_the_timeout_is_dropped_and_one_in_use_is_kept()
    {
        var time = new FakeTimeProvider();
        using var aws = Stub(time, TimeSpan.FromHours(1));
        var east = aws.Factory.Clients(East);
        var west = aws.Factory.Clients(West);
        Assert.Equal(2, aws.Factory.ScopeCount);

        // West keeps making calls through the shared policy; East makes none.
        for (var i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromMinutes(20));
            await west.RunAsync(AwsService.Events, "DeleteRule",
                ct => west.Events.DeleteRuleAsync(new DeleteRuleRequest { Name = "r" }, ct), TestContext.Current.CancellationToken);
        }

        Assert.Same(west, aws.Factory.Clients(West));
        Assert.Equal(1, aws.Factory.ScopeCount);
        Assert.NotSame(east, aws.Factory.Clients(East));
        Assert.Equal(2, aws.Factory.ScopeCount);
    }

    [Fact]
    public void Asking_for_a_scope_counts_as_use_and_an_infinite_timeout_keeps_every_scope()
    {
        var time = new FakeTimeProvider();
        using var aws = Stub(time, TimeSpan.FromHours(1));
        var east = aws.Factory.Clients(East);
        time.Advance(TimeSpan.FromMinutes(50));
        Assert.Same(east, aws.Factory.Clients(East));
        time.Advance(TimeSpan.FromMinutes(50));
        Assert.Same(east, aws.Factory.Clients(East));

        using var keeping = Stub(time, Timeout.InfiniteTimeSpan);
        var kept = keeping.Factory.Clients(East);
        time.Advance(TimeSpan.FromDays(30));
        keeping.Factory.Clients(West);
        Assert.Same(kept, keeping.Factory.Clients(East));
    }

    [Fact]
    public async Task A_scope_makes_its_report_ports_once_on_first_use_even_when_asked_concurrently()
    {
        var time = new FakeTimeProvider();
        using var aws = Stub(time, TimeSpan.FromHours(1));
        var ct = TestContext.Current.CancellationToken;

        var activities = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => aws.Factory.SessionActivity(East), ct)));
        var exports = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => aws.Factory.ReportExport(East), ct)));

        Assert.All(activities, a => Assert.Same(activities[0], a));
        Assert.All(exports, e => Assert.Same(exports[0], e));
        Assert.NotSame(activities[0], aws.Factory.SessionActivity(West));
        Assert.Same(aws.Factory.For(East), aws.Factory.For(East));
    }
}
