using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Reconciliation;

/// <summary>
/// A drift check that finds nothing new would otherwise rewrite status only to move lastSyncTime: one API write per
/// policy per resync. lastSyncTime therefore moves with any other change, and at least every <see cref="Interval"/>.
/// The one place this is decided; the caller applies it to the status it is about to write (report summary included).
/// </summary>
public static class StatusHeartbeat
{
    /// <summary>How long lastSyncTime may stand still while nothing else changes.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromHours(1);

    /// <summary><paramref name="next"/>, with <paramref name="previous"/>'s lastSyncTime when that is the only difference
    /// and it is younger than <see cref="Interval"/>.</summary>
    public static SessionLoggingPolicyStatus KeepSyncTimeWhenUnchanged(SessionLoggingPolicyStatus next, SessionLoggingPolicyStatus? previous)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (previous?.LastSyncTime is not { } last || next.LastSyncTime is not { } now || now - last >= Interval)
        {
            return next;
        }

        var candidate = next with { LastSyncTime = last };
        var same = JsonNode.DeepEquals(
            JsonSerializer.SerializeToNode(candidate, PolicyJson.Options),
            JsonSerializer.SerializeToNode(previous, PolicyJson.Options));
        return same ? candidate : next;
    }
}
