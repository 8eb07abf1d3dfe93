using System.Diagnostics;
using System.Globalization;

namespace SessionAudit.Testing.Harness;

/// <summary>
/// Waits for a condition with a deadline instead of sleeping. A timeout names what was awaited (and, where there is one,
/// the last observation), so a failed wait says what never happened.
/// </summary>
/// <remarks>
/// One copy for every test project and the bench. The controller runtime's tests and the Kubernetes stand-in's tests
/// compile this file in (a linked Compile item) rather than referencing this project: it brings the AWS stand-in and
/// the operator with it, and those tests are kept apart from both. So it uses nothing beyond the base library.
/// </remarks>
public static class Eventually
{
    // In-memory conditions are cheap: check often, so short-lived states are not missed.
    private static readonly TimeSpan ConditionPoll = TimeSpan.FromMilliseconds(20);

    // Observations may run a process (kubectl, the AWS CLI): start quickly, then back off.
    private static readonly TimeSpan FirstObservationPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestObservationPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>Observes until <paramref name="done"/> holds and returns that observation; throws <see cref="TimeoutException"/>
    /// naming <paramref name="what"/> and the last observation when <paramref name="timeout"/> passes first.</summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T>> observe, Func<T, bool> done, TimeSpan timeout, string what, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(observe);
        ArgumentNullException.ThrowIfNull(done);
        var clock = Stopwatch.StartNew();
        var delay = FirstObservationPoll;
        while (true)
        {
            var last = await observe().ConfigureAwait(false);
            if (done(last))
            {
                return last;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(TimedOut(timeout, what) + "; last seen: " + last);
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestObservationPoll.Ticks));
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/>
    /// when <paramref name="timeout"/> passes first.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        if (!await WithinAsync(condition, timeout, ct).ConfigureAwait(false))
        {
            throw new TimeoutException(TimedOut(timeout, what));
        }
    }

    /// <inheritdoc cref="TrueAsync(Func{Task{bool}}, TimeSpan, string, CancellationToken)"/>
    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), timeout, what, ct);
    }

    /// <summary>Whether <paramref name="condition"/> came to hold within <paramref name="timeout"/>: false rather than an
    /// exception, for measurements that report a miss and go on.</summary>
    public static async Task<bool> WithinAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(ConditionPoll, ct).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc cref="WithinAsync(Func{Task{bool}}, TimeSpan, CancellationToken)"/>
    public static Task<bool> WithinAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return WithinAsync(() => Task.FromResult(condition()), timeout, ct);
    }

    private static string TimedOut(TimeSpan timeout, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"timed out after {timeout.TotalSeconds:0.###} s waiting for {what}");
}
