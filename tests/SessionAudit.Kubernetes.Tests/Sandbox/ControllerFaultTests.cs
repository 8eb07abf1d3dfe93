using SessionAudit.Kubernetes.Resources;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

public sealed class ControllerFaultTests
{
    [Fact]
    public async Task Every_change_is_reconciled_and_no_key_concurrently_despite_dropped_watches_expiry_conflicts_and_500s()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var names = Enumerable.Range(0, 15).Select(i => $"w{i}").ToList();
        foreach (var n in names) await env.CreateAsync(Widget.New("default", n, 0), ct);

        var log = new ReconcileLog();
        using var host = ControllerHostFactory.Build(env, "controller", log, o =>
        {
            o.Concurrency = 4;
            o.LeaderElection.Enabled = false;
        });
        await host.StartAsync(ct);

        env.Sandbox.Faults.WriteConflictShare = 0.2;
        env.Sandbox.Faults.WriteErrorShare = 0.2;
        using var chaosStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var chaos = Task.Run(
            async () =>
            {
                var bump = new ResourceDescriptor("", "v1", "configmaps", "ConfigMap", true);
                for (var i = 0; !chaosStop.IsCancellationRequested; i++)
                {
                    await Task.Delay(700, chaosStop.Token);
                    if (i % 3 == 2)
                    {
                        // Compaction past the informer's resourceVersion: its next watch gets 410 and must relist.
                        await SandboxEnv.Retry(() => env.Admin.CreateAsync(bump, "default", new k8s.Models.V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new() { Name = $"bump-{i}" } }, chaosStop.Token), chaosStop.Token);
                        env.Sandbox.Faults.ExpireResourceVersions();
                    }

                    env.Sandbox.Faults.DropAllWatches();
                }
            },
            chaosStop.Token);

        var bumpMap = new ResourceDescriptor("", "v1", "configmaps", "ConfigMap", true);
        for (var round = 1; round <= 4; round++)
        {
            // Besides the background chaos, every round starts on a dropped watch, every other one on expired history.
            if (round % 2 == 0)
            {
                await SandboxEnv.Retry(() => env.Admin.CreateAsync(bumpMap, "default", new k8s.Models.V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new() { Name = $"round-{round}" } }, ct), ct);
                env.Sandbox.Faults.ExpireResourceVersions();
            }

            env.Sandbox.Faults.DropAllWatches();
            foreach (var n in names) await env.ResizeAsync("default", n, round, ct);
        }

        var deleted = names.Take(3).ToList();
        foreach (var n in deleted) await env.DeleteAsync("default", n, ct);
        var added = new[] { "x1", "x2" };
        foreach (var n in added) await env.CreateAsync(Widget.New("default", n, 7), ct);
        var live = names.Skip(3).Concat(added).ToList();

        await Eventually.TrueAsync(
            async () =>
            {
                foreach (var n in live)
                {
                    var w = await env.GetAsync("default", n, ct);
                    if (w?.Status?.ObservedGeneration != w?.Metadata.Generation || w?.Status?.ObservedSize != w?.Spec.Size) return false;
                }

                return deleted.All(n => log.SeenDeleted.ContainsKey($"default/{n}"));
            },
            TimeSpan.FromSeconds(60),
            "every widget's last generation reconciled and every deletion seen",
            ct);

        await chaosStop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => chaos);
        env.Sandbox.Faults.Reset();
        await host.StopAsync(ct);

        Assert.Equal(0, log.Violations);
        var requests = env.Sandbox.RequestLog.Where(r => r.Identity == "controller").ToList();
        Assert.Contains(requests, r => r.Subresource == "status" && r.StatusCode == 409);
        Assert.Contains(requests, r => r.Subresource == "status" && r.StatusCode == 500);
        Assert.True(requests.Count(r => r.Verb == "list") >= 2, "relisted after expiry");
        Assert.True(requests.Count(r => r.Verb == "watch") >= 4, "re-watched after drops");
    }
}
