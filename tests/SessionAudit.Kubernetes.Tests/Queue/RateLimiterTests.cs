using CsCheck;
using Microsoft.Extensions.Time.Testing;
using SessionAudit.Kubernetes.Queue;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Queue;

public sealed class RateLimiterTests
{
    [Fact]
    public void Exponential_backoff_is_base_times_two_to_the_failures_capped_at_max()
    {
        Gen.Int[1, 100].Select(Gen.Int[0, 80]).Sample((baseMs, failures) =>
        {
            var max = TimeSpan.FromSeconds(1000);
            var limiter = new ExponentialBackoffRateLimiter<string>(TimeSpan.FromMilliseconds(baseMs), max);
            TimeSpan last = default;
            for (var i = 0; i <= failures; i++)
            {
                last = limiter.When("k");
            }

            var expected = Math.Min(baseMs * Math.Pow(2, failures), max.TotalMilliseconds);
            Assert.InRange(last.TotalMilliseconds, expected - 0.001, expected + 0.001);
            Assert.True(last <= max);
        });
    }

    [Fact]
    public void Defaults_are_5ms_doubling_to_1000s()
    {
        var limiter = new ExponentialBackoffRateLimiter<string>(new QueueRateLimits().BaseDelay, new QueueRateLimits().MaxDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("k"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.When("k"));
        Assert.Equal(TimeSpan.FromMilliseconds(20), limiter.When("k"));
        for (var i = 0; i < 30; i++) limiter.When("k");
        Assert.Equal(TimeSpan.FromSeconds(1000), limiter.When("k"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("other"));
    }

    [Fact]
    public void Token_bucket_never_releases_more_than_burst_plus_qps_times_elapsed()
    {
        Gen.Int[1, 50].Select(Gen.Int[1, 200], Gen.Int[0, 500].Array[1, 300]).Sample((qps, burst, gapsMs) =>
        {
            var time = new FakeTimeProvider();
            var bucket = new TokenBucketRateLimiter<string>(qps, burst, time);
            var start = time.GetUtcNow();
            var releaseTimes = new List<TimeSpan>();
            foreach (var gap in gapsMs)
            {
                time.Advance(TimeSpan.FromMilliseconds(gap));
                releaseTimes.Add(time.GetUtcNow() - start + bucket.When("k"));
            }

            // Every prefix of releases fits the bucket: n releases by time t need n <= burst + qps * t.
            releaseTimes.Sort();
            for (var n = 1; n <= releaseTimes.Count; n++)
            {
                Assert.True(n <= burst + (qps * releaseTimes[n - 1].TotalSeconds) + 1e-6, $"{n} releases by {releaseTimes[n - 1]}");
            }
        });
    }

    [Fact]
    public void Default_limiter_is_the_max_of_backoff_and_bucket()
    {
        var time = new FakeTimeProvider();
        var limiter = MaxOfRateLimiter<string>.Default(new QueueRateLimits { Qps = 10, Burst = 2 }, time);
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("b"));

        // Bucket empty: the third retry waits for a token (100 ms at 10 qps), more than its 5 ms backoff.
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When("c"));
        Assert.Equal(1, limiter.Retries("c"));
        limiter.Forget("c");
        Assert.Equal(0, limiter.Retries("c"));
    }
}
