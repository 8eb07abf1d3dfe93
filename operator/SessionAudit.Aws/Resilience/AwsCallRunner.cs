using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Telemetry;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Resilience;

/// <summary>
/// The one resilience policy every AWS call goes through, SDK and thin clients alike: a total time budget, jittered
/// exponential retries of throttling and 5xx/network failures, a per-attempt timeout, the per account+region+service
/// token bucket, metrics per attempt, and the final mapping to <see cref="AwsFailure"/>.
/// The SDK clients are configured with MaxErrorRetry=0 so that this is the only retry layer.
/// </summary>
public sealed partial class AwsCallRunner
{
    private readonly AwsRateLimiters _limiters;
    private readonly AwsMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Builds the pipeline from <paramref name="options"/>.</summary>
    public AwsCallRunner(AwsClientOptions options, AwsRateLimiters limiters, AwsMetrics metrics, TimeProvider time, ILogger<AwsCallRunner>? logger = null)
    {
        _limiters = limiters;
        _metrics = metrics;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(options.Retry.TotalBudget);
        if (options.Retry.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(AwsErrorClassifier.IsRetryable),
                MaxRetryAttempts = options.Retry.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.Retry.BaseDelay,
                MaxDelay = options.Retry.MaxDelay,
            });
        }
        _pipeline = builder.AddTimeout(options.AttemptTimeout).Build();
    }

    /// <summary>The clock of backoff, budgets and token buckets; adapters that remember answers use it too.</summary>
    public TimeProvider Time => _time;

    /// <summary>Runs <paramref name="call"/> (one AWS operation, one page) under the policy; failures surface as <see cref="AwsFailure"/>.</summary>
    public async Task<T> RunAsync<T>(AwsCallTarget target, string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var service = target.Service.Name;
        var started = _time.GetTimestamp();
        var attempt = 0;
        try
        {
            var result = await _pipeline.ExecuteAsync(
                async ct =>
                {
                    if (attempt++ > 0)
                    {
                        _metrics.Retry(service, operation, "retry");
                    }
                    return await AttemptAsync(target, operation, call, attempt, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            _metrics.Call(service, operation, "success", _time.GetElapsedTime(started));
            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && AwsErrorClassifier.Classify(ex) is { } failure)
        {
            _metrics.Call(service, operation, AwsErrorClassifier.Outcome(failure.Kind), _time.GetElapsedTime(started));
            if (ex is AwsFailure)
            {
                throw;
            }
            throw new AwsFailure(failure.Kind, failure.Code, $"{service} {operation} ({target.Region}): {failure.Message}", ex);
        }
    }

    /// <summary>Runs a call with no result.</summary>
    public Task RunAsync(AwsCallTarget target, string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(target, operation, async ct =>
        {
            await call(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private async ValueTask<T> AttemptAsync<T>(AwsCallTarget target, string operation, Func<CancellationToken, Task<T>> call, int attempt, CancellationToken ct)
    {
        var service = target.Service.Name;
        if (!await _limiters.AcquireAsync(target.Account, target.Region, service, operation, ct).ConfigureAwait(false))
        {
            _metrics.Attempt(service, operation, "throttled");
            throw new AwsFailure(AwsFailureKind.Throttled, "ClientRateLimitExceeded",
                $"{service} {operation}: client-side rate limit queue for {target.Account}/{target.Region} is full");
        }
        try
        {
            var result = await call(ct).ConfigureAwait(false);
            _metrics.Attempt(service, operation, "success");
            return result;
        }
        catch (Exception ex) when (AwsErrorClassifier.Classify(ex) is { } failure)
        {
            _metrics.Attempt(service, operation, AwsErrorClassifier.Outcome(failure.Kind));
            if (AwsErrorClassifier.IsRetryable(ex))
            {
                LogAttemptFailed(_logger, service, operation, target.Region, attempt, failure.Code, failure.Message);
            }
            throw;
        }
        catch (OperationCanceledException)
        {
            _metrics.Attempt(service, operation, "canceled");
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "AWS {Service} {Operation} in {Region} attempt {Attempt} failed ({Code}): {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, string service, string operation, string region, int attempt, string? code, string reason);
}
