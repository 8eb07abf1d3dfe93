using k8s.Models;

namespace SessionAudit.Kubernetes.Status;

/// <summary>metav1.Condition list helpers: lastTransitionTime moves only when a condition's status flips.</summary>
public static class Conditions
{
    /// <summary>"True".</summary>
    public const string True = "True";

    /// <summary>"False".</summary>
    public const string False = "False";

    /// <summary>"Unknown".</summary>
    public const string Unknown = "Unknown";

    /// <summary>The condition of a type, or null.</summary>
    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    /// <summary>True when the condition of a type exists with status True.</summary>
    public static bool IsTrue(IEnumerable<V1Condition>? conditions, string type) => Find(conditions, type)?.Status == True;

    /// <summary>
    /// Sets a condition (a listType=map keyed by type): adds it, or updates it in place keeping its
    /// lastTransitionTime unless the status changed. <paramref name="now"/> is truncated to whole seconds,
    /// as the API server stores it, so a re-set with the same values changes nothing. Returns true when
    /// anything changed.
    /// </summary>
    public static bool Set(IList<V1Condition> conditions, string type, string status, string reason, string message, long? observedGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var stamp = new DateTime(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var existing = Find(conditions, type);
        if (existing is null)
        {
            conditions.Add(new V1Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
                LastTransitionTime = stamp,
            });
            return true;
        }

        var changed = false;
        if (existing.Status != status)
        {
            existing.Status = status;
            existing.LastTransitionTime = stamp;
            changed = true;
        }

        if (existing.Reason != reason) { existing.Reason = reason; changed = true; }
        if (existing.Message != message) { existing.Message = message; changed = true; }
        if (existing.ObservedGeneration != observedGeneration) { existing.ObservedGeneration = observedGeneration; changed = true; }
        return changed;
    }

    /// <summary>Removes the condition of a type; true when one was removed.</summary>
    public static bool Remove(IList<V1Condition> conditions, string type)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var existing = Find(conditions, type);
        return existing is not null && conditions.Remove(existing);
    }
}
