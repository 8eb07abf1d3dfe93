using System.Collections.Concurrent;
using SessionAudit.Aws.Configuration;

namespace SessionAudit.Aws.Resilience;

/// <summary>One token bucket per account + region + service, created on first use; a rate of 0 means unlimited.</summary>
public sealed class AwsRateLimiters : IDisposable
{
    private readonly AwsRateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Account, string Region, string Service), Lazy<TokenBucket?>> _buckets = new();

    /// <summary>Creates the set of buckets.</summary>
    public AwsRateLimiters(AwsRateLimitOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>The bucket for one account, region and service; null when that service is not limited.</summary>
    public TokenBucket? For(string account, string region, string service) =>
        _buckets.GetOrAdd((account, region, service), key => new Lazy<TokenBucket?>(() => Create(key.Service))).Value;

    /// <summary>Waits for a token of the bucket; false when its wait queue is full.</summary>
    public ValueTask<bool> AcquireAsync(string account, string region, string service, CancellationToken cancellationToken) =>
        For(account, region, service) is { } bucket ? bucket.AcquireAsync(cancellationToken) : ValueTask.FromResult(true);

    private TokenBucket? Create(string service)
    {
        var rate = _options.TokensPerSecondByService.TryGetValue(service, out var r) ? r : _options.TokensPerSecond;
        return rate <= 0 || double.IsInfinity(rate) ? null : new TokenBucket(rate, _options.Burst, _options.QueueLimit, _time);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var lazy in _buckets.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value?.Dispose();
            }
        }
    }
}
