namespace SessionAudit.Kubernetes.Controller;

/// <summary>
/// The answer of a delete path: <see cref="Done"/> (the runtime removes the finalizer) or <see cref="NotYet"/> (the
/// finalizer stays and <see cref="Result"/> answers the queue: a retry, a requeue, a terminal failure).
/// </summary>
/// <param name="IsDone">True when nothing outside holds the object any longer.</param>
/// <param name="Latest">The object as the delete path last stored it (after a status write), so the removal starts from
/// its resourceVersion; null: the object the runtime handed over.</param>
/// <param name="Result">When not done, what the queue does with the key.</param>
public sealed record FinalizeResult<T>(bool IsDone, T? Latest, ReconcileResult Result)
    where T : class
{
    /// <summary>Cleanup finished: remove the finalizer (from <paramref name="latest"/> when it is the same object).</summary>
    public static FinalizeResult<T> Done(T? latest = null) => new(true, latest, ReconcileResult.Success());

    /// <summary>Cleanup not finished: keep the finalizer; <paramref name="result"/> says when to try again.</summary>
    public static FinalizeResult<T> NotYet(ReconcileResult result) =>
        new(false, null, result ?? throw new ArgumentNullException(nameof(result)));
}
