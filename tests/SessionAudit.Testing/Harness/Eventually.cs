namespace SessionAudit.Testing.Harness;

/// <summary>Waits for a condition with a deadline instead of sleeping: the test fails with the last observation.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(
        Func<Task<T>> observe,
        Func<T, bool> done,
        TimeSpan timeout,
        string what,
        CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(50);
        T last;
        while (true)
        {
            last = await observe();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last seen: {last}");
            }

            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }
}
