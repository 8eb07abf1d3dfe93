using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using SessionAudit.Sandbox.Aws;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>Retries and the client-side rate limit, proven from the sandbox's call log. Each test owns its sandbox: faults are sandbox-wide.</summary>
public sealed class ResilienceAgainstSandboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<AwsSandbox> StartAsync() => AwsSandbox.StartAsync(new AwsSandboxOptions { Port = 0, RandomSeed = 7 }, Ct);

    [Fact]
    public async Task Throttled_calls_are_retried_until_they_succeed_within_the_budget()
    {
        await using var sandbox = await StartAsync();
        // 30% throttled and up to 9 attempts: a call fails only after 9 throttles in a row (p = 2e-5).
        var options = SandboxAccount.DefaultOptions with { Retry = SandboxAccount.DefaultOptions.Retry with { MaxRetries = 8 } };
        using var account = SandboxAccount.Create(sandbox, "310000000001", null, options);
        var rules = account.Factory.For(new AwsScope("us-east-1")).Rules;
        sandbox.Faults.Set("events", "DescribeRule", new AwsFault { ThrottleShare = 0.3 });

        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await rules.DescribeAsync($"rule-{i}", Ct));
        }

        var calls = account.Calls.Where(c => c.Operation == "DescribeRule").ToList();
        var throttled = calls.Count(c => c.Throttled);
        Assert.True(throttled > 0, "the fault must have throttled some attempts");
        Assert.Equal(20, calls.Count(c => !c.Throttled));
        Assert.Equal(calls.Count, 20 + throttled);
    }

    [Fact]
    public async Task Permanent_throttling_gives_up_after_the_attempt_budget_as_Throttled()
    {
        await using var sandbox = await StartAsync();
        using var account = SandboxAccount.Create(sandbox, "310000000002", null, null);
        sandbox.Faults.Set("logs", null, new AwsFault { ThrottleShare = 1 });

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => account.Factory.For(new AwsScope("us-east-1")).LogGroups.DescribeAsync("/g", Ct));

        Assert.Equal(AwsFailureKind.Throttled, failure.Kind);
        Assert.Equal(SandboxAccount.DefaultOptions.Retry.MaxRetries + 1, account.Calls.Count(c => c.Operation == "DescribeLogGroups"));
    }

    [Fact]
    public async Task Server_errors_of_an_SDK_client_are_retried_by_the_same_policy()
    {
        await using var sandbox = await StartAsync();
        using var account = SandboxAccount.Create(sandbox, "310000000003", null, null);
        sandbox.Faults.Set("kms", "DescribeKey", new AwsFault { ServerErrorShare = 1 });

        var failure = await Assert.ThrowsAsync<AwsFailure>(() => account.Factory.For(new AwsScope("us-east-1")).Keys.DescribeAsync("alias/aws/ssm", Ct));
        sandbox.Faults.Clear();
        var key = await account.Factory.For(new AwsScope("us-east-1")).Keys.DescribeAsync("alias/aws/ssm", Ct);

        Assert.Equal(AwsFailureKind.Unavailable, failure.Kind);
        Assert.Equal(SandboxAccount.DefaultOptions.Retry.MaxRetries + 1 + 1, account.Calls.Count(c => c.Operation == "DescribeKey"));
        Assert.NotNull(key);
    }

    [Fact]
    public async Task The_rate_limit_spaces_calls_per_account_region_and_service()
    {
        await using var sandbox = await StartAsync();
        var options = SandboxAccount.DefaultOptions with { RateLimit = new AwsRateLimitOptions { TokensPerSecond = 10, Burst = 2 } };
        using var account = SandboxAccount.Create(sandbox, "310000000004", null, options);
        var env = account.Factory.For(new AwsScope("us-east-1"));

        // Warm the clients up so connection set-up does not hide the spacing.
        await env.Rules.DescribeAsync("warm-up", Ct);
        await env.LogGroups.DescribeAsync("/warm-up", Ct);

        // 12 rule look-ups at once: at most 2 from the burst, then one every 100 ms; meanwhile another service is not held up.
        var started = DateTimeOffset.UtcNow;
        var rules = Enumerable.Range(0, 12).Select(i => env.Rules.DescribeAsync($"r{i}", Ct)).ToArray();
        var otherService = await env.LogGroups.DescribeAsync("/g", Ct);
        await Task.WhenAll(rules);

        var calls = account.Calls;
        var times = calls.Where(c => c.Operation == "DescribeRule" && c.Time >= started).Select(c => c.Time).Order().ToList();
        var logsCall = calls.Single(c => c.Operation == "DescribeLogGroups" && c.Time >= started).Time;
        Assert.Equal(12, times.Count);
        Assert.True(times[^1] - started >= TimeSpan.FromMilliseconds(900), $"12 calls at 10/s after a burst of 2 took only {times[^1] - started}");
        Assert.True(logsCall < times[^1], "logs has its own bucket and must not wait behind events");
        Assert.Null(otherService);
    }
}
