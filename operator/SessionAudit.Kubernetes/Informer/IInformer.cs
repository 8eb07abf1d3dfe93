namespace SessionAudit.Kubernetes.Informer;

/// <summary>One informer run, whatever its resource type: what a controller starts and waits on.</summary>
public interface IInformer
{
    /// <summary>True once this informer's first list is applied.</summary>
    bool HasSynced { get; }

    /// <summary>Lists and watches until <paramref name="ct"/> fires. Never throws except on cancellation.</summary>
    Task RunAsync(CancellationToken ct);

    /// <summary>Completes once this informer's first list is applied and its handler told of every listed object.</summary>
    Task WaitForSyncAsync(CancellationToken ct);
}
