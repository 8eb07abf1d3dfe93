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
}
