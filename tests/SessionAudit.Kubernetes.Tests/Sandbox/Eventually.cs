namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>Waits on a condition with a deadline (never a bare sleep).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout}: {what}");
            }

            await Task.Delay(20, ct);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken ct) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what, ct);
}
