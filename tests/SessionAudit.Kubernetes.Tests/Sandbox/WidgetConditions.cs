using k8s.Models;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>Sets a Widget's condition as a controller would: lastTransitionTime moves only when the status flips, in
/// whole seconds as the API server stores it, so setting the same facts later changes nothing.</summary>
public static class WidgetConditions
{
    public static void Set(List<V1Condition> conditions, string type, string status, string reason, string message, long? observedGeneration, DateTimeOffset now)
    {
        var existing = conditions.Find(c => c.Type == type);
        var stamp = new DateTime(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        conditions.RemoveAll(c => c.Type == type);
        conditions.Add(new V1Condition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            ObservedGeneration = observedGeneration,
            LastTransitionTime = existing is not null && existing.Status == status ? existing.LastTransitionTime : stamp,
        });
    }
}
