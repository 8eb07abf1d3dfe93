using k8s.Models;
using SessionAudit.Kubernetes.Status;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Units;

public sealed class ConditionsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 10, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Last_transition_time_moves_only_when_the_status_flips()
    {
        var list = new List<V1Condition>();
        Assert.True(Conditions.Set(list, "Ready", Conditions.False, "Pending", "waiting", 1, T0));
        Assert.Equal(new DateTime(2025, 1, 1, 10, 0, 0, DateTimeKind.Utc), list[0].LastTransitionTime);

        Assert.True(Conditions.Set(list, "Ready", Conditions.False, "StillPending", "still waiting", 2, T0.AddMinutes(1)));
        Assert.Equal(new DateTime(2025, 1, 1, 10, 0, 0, DateTimeKind.Utc), list[0].LastTransitionTime);
        Assert.Equal("StillPending", list[0].Reason);
        Assert.Equal(2, list[0].ObservedGeneration);

        Assert.True(Conditions.Set(list, "Ready", Conditions.True, "Done", "ok", 2, T0.AddMinutes(2)));
        Assert.Equal(new DateTime(2025, 1, 1, 10, 2, 0, DateTimeKind.Utc), list[0].LastTransitionTime);
        Assert.Single(list);
    }

    [Fact]
    public void Setting_the_same_values_again_changes_nothing()
    {
        var list = new List<V1Condition>();
        Conditions.Set(list, "Ready", Conditions.True, "Done", "ok", 3, T0);
        Assert.False(Conditions.Set(list, "Ready", Conditions.True, "Done", "ok", 3, T0.AddHours(1)));
        Assert.True(Conditions.IsTrue(list, "Ready"));
        Assert.True(Conditions.Remove(list, "Ready"));
        Assert.Empty(list);
    }
}
