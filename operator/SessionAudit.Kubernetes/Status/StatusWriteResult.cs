namespace SessionAudit.Kubernetes.Status;

/// <summary>What a status write did: Written (with the stored object), Unchanged (no request made) or Gone (object deleted).</summary>
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
}
