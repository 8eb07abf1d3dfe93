using System.Globalization;
using SessionAudit.Sandbox.Aws;
using SessionAudit.Testing.Harness;
using Xunit;
using static SessionAudit.Faults.Tests.Support.FaultWorld;

namespace SessionAudit.Faults.Tests;

/// <summary>Operator processes dying: SIGKILL in the middle of a reconcile, and a leader killed with a standby waiting.</summary>
public sealed class ProcessFaultTests
{
    [Fact]
    public async Task Killed_mid_reconcile_and_restarted_converges_without_duplicate_grants_or_targets()
    {
        await using var world = await StartAsync();

        // Slow KMS and EventBridge, so the kill lands between the document and the grants and targets.
        world.Aws.Faults.Set("kms", null, new AwsFault { Latency = TimeSpan.FromMilliseconds(400) });
        world.Aws.Faults.Set("events", null, new AwsFault { Latency = TimeSpan.FromMilliseconds(400) });
        await using var first = await world.StartOperatorAsync("10m", ct: Ct);
        string[] names = ["killed-a", "killed-b", "killed-c"];
        await ApplyAsync(world, [.. names.Select(n => NewPolicy(n))]);
        await Eventually.WaitAsync(
            () => Task.FromResult(world.OperatorCalls().Count(c => c.IsWrite && c.Succeeded)),
            n => n >= 2,
            TimeSpan.FromSeconds(60),
            "the operator's first AWS writes",
            Ct);
        first.Kill();
        var writesBeforeKill = world.OperatorCalls().Count(c => c.IsWrite && c.Succeeded);

        world.Aws.Faults.Clear();
        await using var second = await world.StartOperatorAsync("10m", ct: Ct);
        await AssertConvergedAsync(world, names.ToDictionary(n => n, _ => 20));

        // The restarted operator found what the killed one had made (grants by name, targets by id) and made only the rest.
        Assert.Equal(names.Length, Succeeded(world, "CreateDocument"));
        Assert.Equal(names.Length * Grantees.Length, Succeeded(world, "CreateGrant"));
        Assert.Equal(0, Succeeded(world, "RetireGrant") + Succeeded(world, "RevokeGrant") + Succeeded(world, "RemoveTargets"));
        Assert.True(writesBeforeKill < world.OperatorCalls().Count(c => c.IsWrite && c.Succeeded), "the kill came after all writes: nothing was left to finish");
        AssertAlive(second);
    }

    [Fact]
    public async Task A_killed_leader_is_replaced_by_the_standby_within_the_lease_and_writers_never_overlap()
    {
        await using var world = await StartAsync();
        var leaseDuration = TimeSpan.FromSeconds(6);
        var retryPeriod = TimeSpan.FromSeconds(1);
        await using var a = StartReplica(world, "operator-a", leaseDuration, retryPeriod);
        await a.WaitForLineAsync("HTTP=", TimeSpan.FromSeconds(60), Ct);
        string[] names = ["leader-a", "leader-b"];
        await ApplyAsync(world, [.. names.Select(n => NewPolicy(n))]);
        await AssertConvergedAsync(world, names.ToDictionary(n => n, _ => 20));

        await using var b = StartReplica(world, "operator-b", leaseDuration, retryPeriod);
        await b.WaitForLineAsync("HTTP=", TimeSpan.FromSeconds(60), Ct);

        // The standby is up and trying for the Lease before the leader dies.
        await Eventually.WaitAsync(
            () => Task.FromResult(world.Kubernetes.RequestLog.Count(r => r.Identity == "operator-b" && r.Resource == "leases")),
            n => n >= 1,
            TimeSpan.FromSeconds(30),
            "the standby reading the Lease",
            Ct);
        var killedAt = DateTimeOffset.UtcNow;
        a.Kill();

        // A change and a new policy that only the new leader can handle.
        await ApplyAsync(world, NewPolicy("leader-a", 45), NewPolicy("leader-c"));
        var expected = new Dictionary<string, int> { ["leader-a"] = 45, ["leader-b"] = 20, ["leader-c"] = 20 };
        await AssertConvergedAsync(world, expected);

        var log = world.Kubernetes.RequestLog;
        var takeover = log.Where(r => r.Identity == "operator-b" && r.Resource == "leases" && r.Verb is "update" or "create" or "patch" && r.StatusCode < 300)
            .Select(r => r.Time).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        Assert.True(
            takeover - killedAt <= leaseDuration + retryPeriod + TimeSpan.FromSeconds(2),
            $"the standby took the Lease {(takeover - killedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s after the leader died (lease {leaseDuration.TotalSeconds} s)");

        // No overlap: every write the old leader made to policies and events precedes the first one of the new leader.
        static bool Writes(SessionAudit.Sandbox.Kubernetes.KubernetesRequestRecord r) =>
            r.Method is "POST" or "PUT" or "PATCH" or "DELETE" && r.Resource is "sessionloggingpolicies" or "events";
        var lastOfA = log.Where(r => r.Identity == "operator-a" && Writes(r)).Select(r => r.Time).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        var firstOfB = log.Where(r => r.Identity == "operator-b" && Writes(r)).Select(r => r.Time).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        Assert.True(lastOfA < firstOfB, $"writers overlap: operator-a wrote until {lastOfA:O}, operator-b from {firstOfB:O}");
        Assert.True(firstOfB >= takeover, "operator-b wrote before it held the Lease");

        Assert.Equal(3, Succeeded(world, "CreateDocument"));
        Assert.Equal(3 * Grantees.Length, Succeeded(world, "CreateGrant"));
        AssertAlive(b);
    }

    /// <summary>One replica with its own identity (its own kubeconfig user), leader election on, short Lease timings.</summary>
    private static OperatorProcess StartReplica(TestWorld world, string identity, TimeSpan lease, TimeSpan retry)
    {
        var kubeconfig = world.Sandbox.WriteKubeconfig(identity + ".kubeconfig", identity);
        var s = (TimeSpan t) => ((int)t.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        return OperatorProcess.Start(
            [
                .. world.Sandbox.RunArguments("10m", kubeconfig, leaderElection: true), "--leader-election-namespace", "default",
                "--lease-duration", s(lease), "--renew-deadline", s(lease - TimeSpan.FromSeconds(2)), "--retry-period", s(retry),
            ],
            world.AwsEnvironment);
    }
}
