using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Model;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>A drift check that finds nothing new must not cost a Kubernetes write just to move lastSyncTime.</summary>
public sealed class StatusEconomyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static SessionLoggingPolicyStatus Status(DateTimeOffset sync, string reason = "Synced") => new()
    {
        ObservedGeneration = 3,
        LastSyncTime = sync,
        Conditions = [new Condition { Type = "Ready", Status = "True", Reason = reason, Message = "AWS matches the policy.", ObservedGeneration = 3, LastTransitionTime = T0 }],
    };

    [Fact]
    public void An_unchanged_status_keeps_its_previous_sync_time()
    {
        var kept = StatusHeartbeat.KeepSyncTimeWhenUnchanged(Status(T0.AddMinutes(5)), Status(T0));

        Assert.Equal(T0, kept.LastSyncTime);
    }

    [Fact]
    public void Any_other_change_moves_the_sync_time()
    {
        var next = Status(T0.AddMinutes(5), reason: "PrerequisitesNotMet");

        Assert.Equal(T0.AddMinutes(5), StatusHeartbeat.KeepSyncTimeWhenUnchanged(next, Status(T0)).LastSyncTime);
    }

    [Fact]
    public void The_sync_time_still_moves_once_the_heartbeat_has_passed()
    {
        var later = T0 + StatusHeartbeat.Interval;

        Assert.Equal(later, StatusHeartbeat.KeepSyncTimeWhenUnchanged(Status(later), Status(T0)).LastSyncTime);
    }

    [Fact]
    public void A_first_status_is_written_as_is()
    {
        Assert.Equal(T0, StatusHeartbeat.KeepSyncTimeWhenUnchanged(Status(T0), null).LastSyncTime);
    }
}
