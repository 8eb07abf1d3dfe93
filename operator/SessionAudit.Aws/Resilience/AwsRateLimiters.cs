using System.Collections.Concurrent;
using SessionAudit.Aws.Configuration;

namespace SessionAudit.Aws.Resilience;

/// <summary>One token bucket per account + region + service (and per operation with a quota of its own), created on first
/// use; a rate of 0 means unlimited.</summary>
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

    /// <summary>The bucket of one operation with a quota of its own (<see cref="AwsRateLimitOptions.TokensPerSecondByOperation"/>)
    /// in one account and region; null for any other operation.</summary>
    public TokenBucket? ForOperation(string account, string region, string service, string operation)
    {
        var key = service + ":" + operation;
        return _options.TokensPerSecondByOperation.ContainsKey(key)
            ? _buckets.GetOrAdd((account, region, key), k => new Lazy<TokenBucket?>(() => CreateForOperation(k.Service))).Value
            : null;
    }

    /// <summary>Waits for a token of the service's bucket; false when its wait queue is full.</summary>
    public ValueTask<bool> AcquireAsync(string account, string region, string service, CancellationToken cancellationToken) =>
        For(account, region, service) is { } bucket ? bucket.AcquireAsync(cancellationToken) : ValueTask.FromResult(true);

    /// <summary>Waits for a token of the operation's own bucket, if it has one, then of the service's; false when a wait
    /// queue is full.</summary>
    public async ValueTask<bool> AcquireAsync(string account, string region, string service, string operation, CancellationToken cancellationToken) =>
        (ForOperation(account, region, service, operation) is not { } own || await own.AcquireAsync(cancellationToken).ConfigureAwait(false))
        && await AcquireAsync(account, region, service, cancellationToken).ConfigureAwait(false);

    private TokenBucket? Create(string service)
    {
        var rate = _options.TokensPerSecondByService.TryGetValue(service, out var r) ? r : _options.TokensPerSecond;
        return rate <= 0 || double.IsInfinity(rate) ? null : new TokenBucket(rate, _options.Burst, _options.QueueLimit, _time);
    }

    private TokenBucket? CreateForOperation(string key)
    {
        var rate = _options.TokensPerSecondByOperation[key];
        var burst = _options.BurstByOperation.TryGetValue(key, out var b) ? b : (int)Math.Floor(rate);
        return rate <= 0 || double.IsInfinity(rate) ? null : new TokenBucket(rate, Math.Max(1, burst), _options.QueueLimit, _time);
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
