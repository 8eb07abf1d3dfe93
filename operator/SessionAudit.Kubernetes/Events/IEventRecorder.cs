using k8s;
using k8s.Models;

namespace SessionAudit.Kubernetes.Events;

/// <summary>Records core/v1 Events about objects, best effort; see <see cref="EventRecorder"/>.</summary>
public interface IEventRecorder
{
    /// <summary>Records an event of <paramref name="type"/> (Normal, Warning); true when it reached the API. Never throws
    /// except for cancellation: events must not fail a reconcile.</summary>
    Task<bool> RecordAsync(IKubernetesObject<V1ObjectMeta> obj, string type, string reason, string message, CancellationToken ct);
}
