using Microsoft.Extensions.Time.Testing;
using SessionAudit.Kubernetes.Events;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Units;

public sealed class EventSpamFilterTests
{
    [Fact]
    public void Allows_a_burst_of_25_per_object_then_one_per_300_seconds()
    {
        var time = new FakeTimeProvider();
        var filter = new EventSpamFilter(time);
        Assert.Equal(25, Enumerable.Range(0, 40).Count(_ => filter.Allow("obj")));
        Assert.True(filter.Allow("other"));

        time.Advance(TimeSpan.FromSeconds(299));
        Assert.False(filter.Allow("obj"));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(filter.Allow("obj"));
        Assert.False(filter.Allow("obj"));
    }

    [Fact]
    public void Forgets_the_least_recently_used_object_first_once_it_holds_the_most_it_keeps()
    {
        var time = new FakeTimeProvider();
        var filter = new EventSpamFilter(time, burst: 1);
        Assert.True(filter.Allow("first"));
        Assert.True(filter.Allow("second"));
        for (var i = 2; i < EventSpamFilter.MaxObjects; i++)
        {
            Assert.True(filter.Allow($"obj-{i}"));
        }

        // "first" is used again (and refused: its one token is spent), so "second" is now the least recently used.
        Assert.False(filter.Allow("first"));
        Assert.True(filter.Allow("one-more"));

        // "second" was forgotten: it starts again with a full bucket. "first" was kept: still no token.
        Assert.True(filter.Allow("second"));
        Assert.False(filter.Allow("first"));
    }
}
