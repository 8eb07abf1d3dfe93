namespace SessionAudit.Sandbox.Kubernetes.Storage;

/// <summary>The cluster-wide resourceVersion counter, as etcd's revision.</summary>
internal sealed class ResourceVersionClock
{
    private long _current = 1000;

    public long Current => Interlocked.Read(ref _current);

    public long Next() => Interlocked.Increment(ref _current);
}
