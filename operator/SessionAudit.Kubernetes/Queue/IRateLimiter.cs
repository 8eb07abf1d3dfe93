namespace SessionAudit.Kubernetes.Queue;

/// <summary>Decides how long a key waits before its next retry.</summary>
public interface IRateLimiter<in TKey>
{
    /// <summary>The delay before the key's next attempt; counts the attempt.</summary>
    TimeSpan When(TKey key);

    /// <summary>Forgets the key's failures (after success).</summary>
    void Forget(TKey key);

    /// <summary>How many retries the key has had since it was last forgotten.</summary>
    int Retries(TKey key);
}
