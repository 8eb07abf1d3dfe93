using System.Text.Json.Nodes;
using SessionAudit.Testing.Harness;
using Xunit;
using static SessionAudit.Faults.Tests.Support.FaultWorld;

namespace SessionAudit.Faults.Tests;

/// <summary>
/// The Kubernetes API misbehaving: watches cut, history compacted (410), status writes refused (409). The resync is
/// ten minutes, so every change must arrive through the informer, not a periodic re-read.
/// </summary>
public sealed class KubernetesFaultTests
{
    [Fact]
    public async Task Watches_cut_every_two_seconds_still_deliver_every_change()
    {
        await using var world = await StartAsync();
        await using var op = await world.StartOperatorAsync("10m", ct: Ct);
        string[] names = ["watch-cut-a", "watch-cut-b", "watch-cut-c"];
        await using (Repeat(TimeSpan.FromSeconds(2), world.Kubernetes.Faults.DropAllWatches))
        {
            await ApplyAsync(world, [.. names.Select(n => NewPolicy(n))]);
            await AssertConvergedAsync(world, names.ToDictionary(n => n, _ => 20));
            await ApplyAsync(world, [.. names.Select(n => NewPolicy(n, 33))]);
            await AssertConvergedAsync(world, names.ToDictionary(n => n, _ => 33));
        }

        Assert.Equal(names.Length, Succeeded(world, "CreateDocument"));
        Assert.Equal(names.Length * Grantees.Length, Succeeded(world, "CreateGrant"));
        AssertAlive(op);
    }

    [Fact]
    public async Task Expired_resource_versions_force_a_relist_and_nothing_is_missed()
    {
        await using var world = await StartAsync();
        await using var op = await world.StartOperatorAsync("10m", ct: Ct);
        string[] names = ["expired-a", "expired-b", "expired-c"];
        await using (Repeat(TimeSpan.FromSeconds(3), () =>
        {
            world.Kubernetes.Faults.ExpireResourceVersions();
            world.Kubernetes.Faults.DropAllWatches();
        }))
        {
            await ApplyAsync(world, [.. names.Select(n => NewPolicy(n))]);
            await AssertConvergedAsync(world, names.ToDictionary(n => n, _ => 20));
            await ApplyAsync(world, [.. names.Select(n => NewPolicy(n, 41))]);
            await AssertConvergedAsync(world, names.ToDictionary(n => n, _ => 41));
        }

        // The informer answered 410 with fresh lists (the first list plus at least one relist).
        var lists = world.Kubernetes.RequestLog.Count(r =>
            r.Resource == "sessionloggingpolicies" && r.Verb == "list" && !r.UserAgent.StartsWith("kubectl", StringComparison.Ordinal));
        Assert.True(lists >= 2, $"expected relists after 410, saw {lists} list requests");
        Assert.Equal(names.Length, Succeeded(world, "CreateDocument"));
        Assert.Equal(names.Length * Grantees.Length, Succeeded(world, "CreateGrant"));
        AssertAlive(op);
    }

    [Fact]
    public async Task Conflicts_on_status_writes_are_retried_until_status_is_written()
    {
        await using var world = await StartAsync();
        string[] names = ["conflict-a", "conflict-b", "conflict-c"];

        // The policies exist first, already carrying the operator's finalizer: kubectl's writes and the finalizer patch
        // are not the subject here, so the operator's first write is a status write.
        var policies = names.Select(n => NewPolicy(n)).ToArray();
        foreach (var p in policies)
        {
            p["metadata"]!["finalizers"] = new JsonArray("sessionaudit.io/cleanup");
        }

        await ApplyAsync(world, policies);

        // Every status write conflicts until several have been refused; then half of them, while the policies converge.
        world.Kubernetes.Faults.WriteConflictShare = 1.0;
        await using var op = await world.StartOperatorAsync("10m", ct: Ct);
        await Eventually.WaitAsync(
            () => Task.FromResult(world.Kubernetes.RequestLog.Count(r => r.Subresource == "status" && r.StatusCode == 409)),
            n => n >= 2 * names.Length,
            TimeSpan.FromSeconds(60),
            "409 answers to status writes",
            Ct);
        world.Kubernetes.Faults.WriteConflictShare = 0.5;
        foreach (var n in names)
        {
            await world.WaitForConditionAsync(n, "Ready", "True", timeout: TimeSpan.FromSeconds(90), ct: Ct);
        }

        world.Kubernetes.Faults.Reset();
        await AssertAwsMatchesAsync(world, names.ToDictionary(n => n, _ => 20));
        Assert.Equal(names.Length, Succeeded(world, "CreateDocument"));
        Assert.Equal(names.Length * Grantees.Length, Succeeded(world, "CreateGrant"));
        AssertAlive(op);
    }
}
