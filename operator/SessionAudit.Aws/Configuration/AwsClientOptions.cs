namespace SessionAudit.Aws.Configuration;

/// <summary>How the AWS clients behave: retries, client-side rate limits, role sessions, timeouts.</summary>
public sealed record AwsClientOptions
{
    /// <summary>Retry policy shared by every client (SDK and thin).</summary>
    public AwsRetryOptions Retry { get; init; } = new();

    /// <summary>Client-side token bucket per account, region and service.</summary>
    public AwsRateLimitOptions RateLimit { get; init; } = new();

    /// <summary>RoleSessionName used for AssumeRole; shows up in CloudTrail as the caller.</summary>
    public string RoleSessionName { get; init; } = "session-audit-operator";

    /// <summary>How long assumed-role credentials are requested for (AssumeRole DurationSeconds).</summary>
    public TimeSpan AssumeRoleDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Assumed-role credentials are refreshed this long before they expire.</summary>
    public TimeSpan CredentialRefreshMargin { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A scope (region and role) whose clients made no call for this long is dropped, with its clients, credentials and
    /// caches, and made again on next use. The default is twice the longest drift check interval a policy may have
    /// (24h), so a scope any policy still uses is never dropped; <see cref="Timeout.InfiniteTimeSpan"/> keeps every scope.
    /// </summary>
    public TimeSpan ScopeIdleTimeout { get; init; } = TimeSpan.FromHours(48);
}

/// <summary>Jittered exponential backoff with a bounded number of attempts and a bounded total time.</summary>
public sealed record AwsRetryOptions
{
    /// <summary>Retries after the first attempt (so at most MaxRetries + 1 attempts).</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>Base delay of the exponential backoff.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>No single backoff delay exceeds this.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The whole call, all attempts and delays, must finish within this budget.</summary>
    public TimeSpan TotalBudget { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Token bucket per account + region + service, so one noisy reconcile cannot exhaust an account's API quota.</summary>
public sealed record AwsRateLimitOptions
{
    /// <summary>Tokens added per second (sustained calls per second).</summary>
    public double TokensPerSecond { get; init; } = 10;

    /// <summary>Bucket size (burst).</summary>
    public int Burst { get; init; } = 20;

    /// <summary>How many calls may wait for a token before further calls fail as Throttled.</summary>
    public int QueueLimit { get; init; } = 1000;

    /// <summary>Per-service overrides, keyed by <see cref="AwsService.Name"/> (for example "ssm").</summary>
    public IReadOnlyDictionary<string, double> TokensPerSecondByService { get; init; } = new Dictionary<string, double>();

    /// <summary>Operations AWS holds to a quota of their own, keyed "service:Operation": a bucket per account + region of
    /// that rate, taken before the service's; its burst is <see cref="BurstByOperation"/> (the rate when unset), so one
    /// second sees at most rate + burst. DescribeLogStreams "has a limit of 25 transactions per second" (botocore logs
    /// model, DescribeLogStreams documentation, botocore 1.43; older models said five), shared by everything in the
    /// account and region, among them the SSM Agent, which calls it when it starts streaming a session's log
    /// (amazon-ssm-agent, cloudwatchlogspublisher GetSequenceTokenForStream): 10 a second with a burst of 2 keeps the
    /// report's delivery check, which pages through it, to at most 12 in any second and leaves the rest to them.</summary>
    public IReadOnlyDictionary<string, double> TokensPerSecondByOperation { get; init; } = new Dictionary<string, double> { ["logs:DescribeLogStreams"] = 10 };

    /// <summary>Bucket size of the operations in <see cref="TokensPerSecondByOperation"/>, keyed the same way.</summary>
    public IReadOnlyDictionary<string, int> BurstByOperation { get; init; } = new Dictionary<string, int> { ["logs:DescribeLogStreams"] = 2 };
}
