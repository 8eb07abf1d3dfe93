using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.LeaderElection;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Units;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_match_controller_runtime()
    {
        var o = new ControllerOptions();
        Assert.Empty(o.Validate());
        Assert.Equal(1, o.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(15), o.LeaderElection.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), o.LeaderElection.RenewDeadline);
        Assert.Equal(TimeSpan.FromSeconds(2), o.LeaderElection.RetryPeriod);
        Assert.Equal(10, o.QueueRateLimits.Qps);
        Assert.Equal(100, o.QueueRateLimits.Burst);
        Assert.Equal(TimeSpan.FromMinutes(2), o.ReconcileTimeout);
    }

    [Fact]
    public void Inconsistent_lease_timings_and_bad_numbers_are_rejected()
    {
        var o = new ControllerOptions
        {
            Concurrency = 0,
            ReconcileTimeout = TimeSpan.Zero,
            LeaderElection = new LeaderElectionOptions { LeaseDuration = TimeSpan.FromSeconds(5), RenewDeadline = TimeSpan.FromSeconds(10) },
        };
        var errors = o.Validate().ToList();
        Assert.Contains(errors, e => e.Contains("Concurrency", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("LeaseDuration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ReconcileTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Lease_namespace_outside_a_cluster_is_the_kubeconfig_context_namespace_or_default()
    {
        Assert.Equal("team-a", LeaseDefaults.Namespace(inCluster: false, "team-a"));
        Assert.Equal("default", LeaseDefaults.Namespace(inCluster: false, null));
        Assert.Contains($"_{Environment.ProcessId}", LeaseDefaults.Identity(inCluster: false), StringComparison.Ordinal);
    }
}
