namespace SessionAudit.Kubernetes.Status;

/// <summary>What a status write did: Written (with the stored object), Unchanged (no request made), Gone (object deleted)
/// or Stale (the object's spec or identity changed since the status was computed; Object is the fresh one; nothing written).</summary>
public sealed record StatusWriteResult<T>(StatusWriteOutcome Outcome, T? Object, int Attempts)
    where T : class;

/// <summary>Outcome of a status write.</summary>
public enum StatusWriteOutcome
{
    /// <summary>The status differed and was written.</summary>
    Written,

    /// <summary>The status already matched; nothing was sent.</summary>
    Unchanged,

    /// <summary>The object no longer exists.</summary>
    Gone,

    /// <summary>
    /// A conflict showed a new generation or a new uid: the status was computed from stale input and was not written.
    /// Reconcile again from the fresh object.
    /// </summary>
    Stale,
}
