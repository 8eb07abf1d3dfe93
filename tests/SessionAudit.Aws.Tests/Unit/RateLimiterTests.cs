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
        var ct = TestContext.Current.CancellationToken;

        Assert.True(await limiters.AcquireAsync("111111111111", "us-east-1", "ssm", ct));
        Assert.True(await limiters.AcquireAsync("111111111111", "us-east-1", "ssm", ct));
        var third = limiters.AcquireAsync("111111111111", "us-east-1", "ssm", ct).AsTask();
        var fourth = limiters.AcquireAsync("111111111111", "us-east-1", "ssm", ct).AsTask();

        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await third.WaitAsync(TimeSpan.FromSeconds(5), ct));
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(await fourth.WaitAsync(TimeSpan.FromSeconds(5), ct));
    }

    [Fact]
    public void Buckets_are_separate_per_account_region_and_service()
    {
        var time = new FakeTimeProvider();
        using var limiters = new AwsRateLimiters(new AwsRateLimitOptions { TokensPerSecond = 1, Burst = 1 }, time);

        Assert.True(limiters.For("1", "us-east-1", "ssm")!.TryAcquire());
        Assert.True(limiters.For("2", "us-east-1", "ssm")!.TryAcquire());
        Assert.True(limiters.For("1", "eu-west-1", "ssm")!.TryAcquire());
        Assert.True(limiters.For("1", "us-east-1", "kms")!.TryAcquire());
        Assert.False(limiters.For("1", "us-east-1", "ssm")!.TryAcquire());
        Assert.Same(limiters.For("1", "us-east-1", "ssm"), limiters.For("1", "us-east-1", "ssm"));
    }

    [Fact]
    public async Task A_full_wait_queue_refuses_instead_of_queueing_forever()
    {
        var time = new FakeTimeProvider();
        using var limiters = new AwsRateLimiters(new AwsRateLimitOptions { TokensPerSecond = 1, Burst = 1, QueueLimit = 1 }, time);
        var ct = TestContext.Current.CancellationToken;

        Assert.True(await limiters.AcquireAsync("1", "r", "ssm", ct));
        var queued = limiters.AcquireAsync("1", "r", "ssm", ct).AsTask();

        Assert.False(await limiters.AcquireAsync("1", "r", "ssm", ct));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await queued.WaitAsync(TimeSpan.FromSeconds(5), ct));
    }

    [Fact]
    public async Task A_canceled_waiter_leaves_the_queue_without_taking_a_token()
    {
        var time = new FakeTimeProvider();
        using var limiters = new AwsRateLimiters(new AwsRateLimitOptions { TokensPerSecond = 1, Burst = 1 }, time);
        var ct = TestContext.Current.CancellationToken;
        Assert.True(await limiters.AcquireAsync("1", "r", "ssm", ct));
        using var cts = new CancellationTokenSource();

        var canceled = limiters.AcquireAsync("1", "r", "ssm", cts.Token).AsTask();
        var next = limiters.AcquireAsync("1", "r", "ssm", ct).AsTask();
        await cts.CancelAsync();
        time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(5), ct));
    }

    [Fact]
    public void A_per_service_rate_of_zero_is_unlimited()
    {
        using var limiters = new AwsRateLimiters(new AwsRateLimitOptions
        {
            TokensPerSecond = 1,
            Burst = 1,
            TokensPerSecondByService = new Dictionary<string, double> { ["kms"] = 0 },
        }, new FakeTimeProvider());

        Assert.Null(limiters.For("1", "us-east-1", "kms"));
        Assert.NotNull(limiters.For("1", "us-east-1", "ssm"));
    }

    [Fact]
    public async Task DescribeLogStreams_has_a_burst_of_two_of_its_own_and_other_log_calls_keep_the_service_rate()
    {
        // The defaults: 10 a second (burst 20) per service; DescribeLogStreams 10 a second with a burst of 2, taken first.
        var time = new FakeTimeProvider();
        using var limiters = new AwsRateLimiters(new AwsRateLimitOptions(), time);
        var ct = TestContext.Current.CancellationToken;

        for (var i = 0; i < 2; i++)
        {
            Assert.True(await limiters.AcquireAsync("1", "eu-west-1", "logs", "DescribeLogStreams", ct));
        }

        var third = limiters.AcquireAsync("1", "eu-west-1", "logs", "DescribeLogStreams", ct).AsTask();
        Assert.False(third.IsCompleted);
        for (var i = 0; i < 18; i++)
        {
            Assert.True(await limiters.AcquireAsync("1", "eu-west-1", "logs", "DescribeLogGroups", ct));
        }

        Assert.Null(limiters.ForOperation("1", "eu-west-1", "logs", "DescribeLogGroups"));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(await third.WaitAsync(TimeSpan.FromSeconds(5), ct));
    }

    [Fact]
    public async Task One_process_sends_at_most_12_DescribeLogStreams_in_a_second_of_the_25_AWS_allows_an_account()
    {
        // botocore logs DescribeLogStreams: "a limit of 25 transactions per second". Callers that always want one more
        // page, for five seconds of the fake clock in 10 ms steps; every granted call is stamped with the clock.
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2024-05-01T00:00:00.3Z", System.Globalization.CultureInfo.InvariantCulture));
        using var limiters = new AwsRateLimiters(new AwsRateLimitOptions(), time);
        var ct = TestContext.Current.CancellationToken;
        var granted = new List<DateTimeOffset>();
        var end = time.GetUtcNow().AddSeconds(5);

        async Task Caller()
        {
            while (time.GetUtcNow() < end)
            {
                Assert.True(await limiters.AcquireAsync("1", "eu-west-1", "logs", "DescribeLogStreams", ct));
                lock (granted) granted.Add(time.GetUtcNow());
            }
        }

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(Caller, ct)).ToList();
        while (time.GetUtcNow() < end)
        {
            await Task.Delay(2, ct);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // The callers still waiting for a token get one as the clock moves on, and stop.
        var all = Task.WhenAll(callers);
        for (var i = 0; i < 1000 && !all.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2, ct);
        }

        await all.WaitAsync(TimeSpan.FromSeconds(30), ct);
        var perSecond = granted.Where(t => t < end).GroupBy(t => t.ToUnixTimeSeconds()).Select(g => g.Count()).ToList();
        // At most 12 (its rate of 10 and burst of 2): the rest of the account's 25 is left to others (the SSM Agent).
        Assert.True(perSecond.Max() <= 12, $"{perSecond.Max()} calls in one second");
        Assert.True(granted.Count(t => t < end) >= 45, $"{granted.Count} calls in five seconds"); // the service's 10 a second holds it
    }
}
