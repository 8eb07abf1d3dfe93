namespace SessionAudit.Aws.Resilience;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: tokens accrue continuously at a rate up to a burst; waiters are served
/// first come first served. Own code because System.Threading.RateLimiting's buckets read the real stopwatch even when
/// replenished by hand, so tests could not drive them with a fake clock.
/// </summary>
public sealed class TokenBucket : IDisposable
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly double _ratePerSecond;
    private readonly int _burst;
    private readonly int _queueLimit;
    private readonly Queue<Waiter> _waiters = new();
    private readonly ITimer _timer;
    private double _tokens;
    private long _last;
    private bool _disposed;

    /// <summary>Creates a full bucket.</summary>
    public TokenBucket(double ratePerSecond, int burst, int queueLimit, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        _time = time;
        _ratePerSecond = ratePerSecond;
        _burst = Math.Max(1, burst);
        _queueLimit = Math.Max(0, queueLimit);
        _tokens = _burst;
        _last = time.GetTimestamp();
        _timer = time.CreateTimer(static s => ((TokenBucket)s!).ServeWaiters(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Takes a token if one is available now and nobody is waiting.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            Refill();
            if (_waiters.Count == 0 && _tokens >= 1)
            {
                _tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /// <summary>Waits for a token; false when the wait queue is full (the caller treats that as throttling).</summary>
    public ValueTask<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Refill();
            if (_waiters.Count == 0 && _tokens >= 1)
            {
                _tokens -= 1;
                return ValueTask.FromResult(true);
            }
            if (_waiters.Count >= _queueLimit)
            {
                return ValueTask.FromResult(false);
            }
            var waiter = new Waiter();
            waiter.Registration = cancellationToken.Register(static w => ((Waiter)w!).Completion.TrySetCanceled(), waiter);
            _waiters.Enqueue(waiter);
            ArmTimer();
            return new ValueTask<bool>(waiter.Completion.Task);
        }
    }

    private void ServeWaiters()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            Refill();
            while (_waiters.Count > 0)
            {
                var next = _waiters.Peek();
                if (next.Completion.Task.IsCompleted)
                {
                    _waiters.Dequeue(); // canceled while waiting
                    continue;
                }
                if (_tokens < 1)
                {
                    break;
                }
                _tokens -= 1;
                _waiters.Dequeue();
                next.Registration.Dispose();
                next.Completion.TrySetResult(true);
            }
            if (_waiters.Count > 0)
            {
                ArmTimer();
            }
        }
    }

    // Wakes up when the next whole token has accrued.
    private void ArmTimer()
    {
        var missing = Math.Max(0, 1 - _tokens);
        var due = TimeSpan.FromSeconds(missing / _ratePerSecond);
        _timer.Change(due < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : due, Timeout.InfiniteTimeSpan);
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_last, now);
        _last = now;
        _tokens = Math.Min(_burst, _tokens + elapsed.TotalSeconds * _ratePerSecond);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer.Dispose();
            while (_waiters.Count > 0)
            {
                var w = _waiters.Dequeue();
                w.Registration.Dispose();
                w.Completion.TrySetException(new ObjectDisposedException(nameof(TokenBucket)));
            }
        }
    }

    private sealed class Waiter
    {
        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Registration { get; set; }
    }
}
