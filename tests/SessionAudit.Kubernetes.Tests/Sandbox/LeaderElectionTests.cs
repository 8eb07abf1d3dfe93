using System.Diagnostics;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Hosting;
using SessionAudit.Kubernetes.Resources;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>
/// Two controller hosts in this process, each with its own identity, kubeconfig and HttpClient. The leader is
/// "killed" by cutting its HTTP pipeline: from the API server's side it vanishes as after kill -9 (no release,
/// no further requests).
/// </summary>
public sealed class LeaderElectionTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    private static void ShortLease(ControllerOptions o)
    {
        o.LeaderElection.Name = "widgets-leader";
        o.LeaderElection.LeaseDuration = LeaseDuration;
        o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(2);
        o.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(500);
    }

    [Fact]
    public async Task When_the_leader_dies_the_standby_takes_the_lease_within_its_duration_and_writes_never_overlap()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var killA = new KillSwitch();
        var logA = new ReconcileLog();
        var logB = new ReconcileLog();
        using var a = ControllerHostFactory.Build(env, "op-a", logA, ShortLease, killA);
        using var b = ControllerHostFactory.Build(env, "op-b", logB, ShortLease);
        var statusA = a.Services.GetRequiredService<ILeadershipStatus>();
        var statusB = b.Services.GetRequiredService<ILeadershipStatus>();

        await a.StartAsync(ct);
        await Eventually.TrueAsync(() => statusA.IsActive, TimeSpan.FromSeconds(10), "a leads", ct);
        await b.StartAsync(ct);
        await env.CreateAsync(Widget.New("default", "w", 1), ct);
        await Eventually.TrueAsync(async () => (await env.GetAsync("default", "w", ct))?.Status?.ObservedGeneration == 1, TimeSpan.FromSeconds(10), "a reconciles", ct);
        await Eventually.TrueAsync(() => env.Sandbox.RequestLog.Count(r => r.Identity == "op-b" && r.Resource == "leases") >= 3, TimeSpan.FromSeconds(10), "b campaigns", ct);
        Assert.False(statusB.IsActive);
        Assert.Equal(0, logB.Calls);

        killA.Trip();
        var killed = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => statusB.IsActive, TimeSpan.FromSeconds(15), "b takes over", ct);
        var takeover = killed.Elapsed;
        Assert.True(takeover <= LeaseDuration + TimeSpan.FromSeconds(2), $"took over after {takeover}");

        await env.ResizeAsync("default", "w", 2, ct);
        await Eventually.TrueAsync(async () => (await env.GetAsync("default", "w", ct))?.Status?.ObservedGeneration == 2, TimeSpan.FromSeconds(10), "b reconciles", ct);
        var lease = await env.Admin.GetAsync<V1Lease>(ResourceDescriptor.Lease, new ResourceKey("default", "widgets-leader"), ct);
        Assert.Equal("op-b", lease!.Spec.HolderIdentity);

        var writes = env.Sandbox.RequestLog.Where(r => r.Verb is "create" or "update" or "patch" or "delete" && r.Identity is "op-a" or "op-b").ToList();
        var lastA = writes.Where(r => r.Identity == "op-a").Max(r => r.Time);
        var firstB = writes.Where(r => r.Identity == "op-b").Min(r => r.Time);
        Assert.True(lastA < firstB, $"op-a wrote until {lastA:O}, op-b from {firstB:O}");
        Assert.Contains(writes, r => r.Identity == "op-a" && r.Subresource == "status");
        Assert.Contains(writes, r => r.Identity == "op-b" && r.Subresource == "status");
        Assert.Equal(0, logA.Violations + logB.Violations);

        await b.StopAsync(ct);
        await a.StopAsync(ct);
    }

    [Fact]
    public async Task A_clean_stop_releases_the_lease_so_the_standby_takes_over_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        using var a = ControllerHostFactory.Build(env, "op-a", new ReconcileLog(), o => { ShortLease(o); o.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(30); o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(20); });
        using var b = ControllerHostFactory.Build(env, "op-b", new ReconcileLog(), o => { ShortLease(o); o.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(30); o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(20); });
        await a.StartAsync(ct);
        await Eventually.TrueAsync(() => a.Services.GetRequiredService<ILeadershipStatus>().IsActive, TimeSpan.FromSeconds(10), "a leads", ct);
        await b.StartAsync(ct);
        await a.StopAsync(ct);

        // Far sooner than the 30 s lease: a gave it up.
        await Eventually.TrueAsync(() => b.Services.GetRequiredService<ILeadershipStatus>().IsActive, TimeSpan.FromSeconds(8), "b takes over", ct);
        await b.StopAsync(ct);
    }

    [Fact]
    public async Task Invalid_options_fail_host_start_with_the_reasons()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        using var host = ControllerHostFactory.Build(env, "op", new ReconcileLog(), o => { o.Concurrency = 0; o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(20); });
        var e = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync(ct));
        Assert.Contains("Concurrency", e.Message, StringComparison.Ordinal);
        Assert.Contains("LeaseDuration", e.Message, StringComparison.Ordinal);
    }
}
