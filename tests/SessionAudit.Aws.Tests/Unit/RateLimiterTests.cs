using Microsoft.Extensions.Time.Testing;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Resilience;
using Xunit;

namespace SessionAudit.Aws.Tests.Unit;

/// <summary>The token bucket per account + region + service, driven by a fake clock.</summary>
public sealed class RateLimiterTests
{
    [Fact]
    public async Task A_burst_passes_then_calls_wait_for_the_clock()
    {
        var time = new FakeTimeProvider();
        using var limiters = new AwsRateLimiters(new AwsRateLimitOptions { TokensPerSecond = 2, Burst = 2 }, time);
        var limiter = limiters.For("111111111111", "us-east-1", "ssm");
        var ct = TestContext.Current.CancellationToken;

        using var first = await limiter.AcquireAsync(1, ct);
        using var second = await limiter.AcquireAsync(1, ct);
        var third = limiter.AcquireAsync(1, ct).AsTask();

        Assert.True(first.IsAcquired && second.IsAcquired);
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        using var lease = await third.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.True(lease.IsAcquired);
    }

    [Fact]
    public async Task Buckets_are_separate_per_account_region_and_service()
    {
        var time = new FakeTimeProvider();
        using var limiters = new AwsRateLimiters(new AwsRateLimitOptions { TokensPerSecond = 1, Burst = 1 }, time);
        var ct = TestContext.Current.CancellationToken;

        using var a = await limiters.For("1", "us-east-1", "ssm").AcquireAsync(1, ct);
        using var b = await limiters.For("2", "us-east-1", "ssm").AcquireAsync(1, ct);
        using var c = await limiters.For("1", "eu-west-1", "ssm").AcquireAsync(1, ct);
        using var d = await limiters.For("1", "us-east-1", "kms").AcquireAsync(1, ct);
        using var e = limiters.For("1", "us-east-1", "ssm").AttemptAcquire(1);

        Assert.True(a.IsAcquired && b.IsAcquired && c.IsAcquired && d.IsAcquired);
        Assert.False(e.IsAcquired);
        Assert.Same(limiters.For("1", "us-east-1", "ssm"), limiters.For("1", "us-east-1", "ssm"));
    }

    [Fact]
    public void A_per_service_rate_overrides_the_default()
    {
        var time = new FakeTimeProvider();
        using var limiters = new AwsRateLimiters(new AwsRateLimitOptions
        {
            TokensPerSecond = 1,
            Burst = 1,
            TokensPerSecondByService = new Dictionary<string, double> { ["kms"] = 0 },
        }, time);

        for (var i = 0; i < 10; i++)
        {
            using var lease = limiters.For("1", "us-east-1", "kms").AttemptAcquire(1);
            Assert.True(lease.IsAcquired);
        }
    }
}
