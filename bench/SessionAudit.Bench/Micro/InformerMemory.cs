using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using SessionAudit.Bench.Output;
using SessionAudit.Bench.World;
using SessionAudit.Kubernetes.Hosting;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Operator.Resources;
using SessionAudit.Testing.Harness;

namespace SessionAudit.Bench.Micro;

/// <summary>
/// Informer memory with 10,000 policies that carry a status as the operator writes it: the managed heap this process
/// retains (GC.GetTotalMemory after full collections) before and after the informer lists them into its cache, and
/// again after 10 forced relists (410 Expired), which must not grow it.
/// </summary>
public static class InformerMemory
{
    private const int Objects = 10_000;
    private const int Relists = 10;

    public static async Task<BenchResult> RunAsync(Scenarios.ScenarioContext c, CancellationToken ct)
    {
        var began = c.Clock.Now;
        c.Log($"informer: cache memory with {Objects:N0} policies");
        await using var world = await BenchWorld.StartAsync(c.Options.Accounts, c.Options.Regions, ct);
        await world.CreatePoliciesAsync(0, Objects, c.Clock, ct, parallel: 32);
        await Parallel.ForEachAsync(Enumerable.Range(0, Objects), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (i, token) =>
        {
            using var content = new StringContent(new JsonObject { ["status"] = Status(i) }.ToJsonString(), Encoding.UTF8, "application/merge-patch+json");
            using var response = await world.Http.PatchAsync($"{world.CollectionPath}/{BenchWorld.PolicyName(i)}/status", content, token);
            response.EnsureSuccessStatusCode();
        });

        using var connection = KubernetesConnection.Create(world.OperatorKubeconfig, null, TimeSpan.FromSeconds(60));
        // Warm the API server the way the informer will use it (paginated lists, a watch), so whatever it keeps per
        // object served is already in the baseline and the growth below is the informer's own.
        string? cont = null;
        do
        {
            var page = JsonNode.Parse(await world.Http.GetStringAsync($"{world.CollectionPath}?limit=500" + (cont is null ? "" : "&continue=" + Uri.EscapeDataString(cont)), ct))!;
            cont = (string?)page["metadata"]?["continue"] is { Length: > 0 } next ? next : null;
        }
        while (cont is not null);

        var before = RetainedBytes();
        var cache = new ResourceCache<SessionLoggingPolicyResource>();
        var informer = new Informer<SessionLoggingPolicyResource>(connection.Api, SessionLoggingPolicyResource.Descriptor, cache);
        using var stop = new CancellationTokenSource();
        var sw = Stopwatch.StartNew();
        var running = informer.RunAsync(stop.Token);
        await cache.WaitForSyncAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
        var listSeconds = sw.Elapsed.TotalSeconds;
        var synced = RetainedBytes();
        for (var i = 0; i < Relists; i++)
        {
            // A write moves the revision on; compaction then makes every revision so far too old, and dropping the
            // watch makes the informer resume from one: 410, relist.
            using var content = new StringContent("{\"metadata\":{\"labels\":{\"relist\":\"" + i + "\"}}}", Encoding.UTF8, "application/merge-patch+json");
            using var r = await world.Http.PatchAsync($"{world.CollectionPath}/{BenchWorld.PolicyName(i)}", content, ct);
            r.EnsureSuccessStatusCode();
            var target = world.Kubernetes.ResourceVersion;
            world.Kubernetes.Faults.ExpireResourceVersions();
            world.Kubernetes.Faults.DropAllWatches();
            if (!await Eventually.WithinAsync(() => long.TryParse(informer.LastResourceVersion, out var listed) && listed >= target, TimeSpan.FromSeconds(30), ct))
            {
                throw new TimeoutException($"the informer did not relist at {target} (last list at {informer.LastResourceVersion})");
            }
        }

        var afterRelists = RetainedBytes();
        var cached = cache.Count;
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }

        var cacheBytes = synced - before;

        var perObject = cacheBytes / (double)Objects;
        var micro = new Dictionary<string, double>
        {
            ["informerCacheMegabytes"] = Stats.Round(cacheBytes / 1024.0 / 1024.0, 1),
            ["informerBytesPerObject"] = Math.Round(perObject),
            ["informerListSeconds"] = Stats.Round(listSeconds, 2),
            ["processGrowthAfterRelistsMegabytes"] = Stats.Round((afterRelists - before) / 1024.0 / 1024.0, 1),
            ["informerRelists"] = Relists,
            ["informerCachedObjects"] = cached,
        };
        c.Log($"informer: cache {micro["informerCacheMegabytes"]} MB for {cached} objects ({perObject:N0} B each), listed in {listSeconds:0.00}s; after {Relists} relists {micro["processGrowthAfterRelistsMegabytes"]} MB");
        return new BenchResult
        {
            Scenario = "informer",
            Policies = Objects,
            Micro = micro,
            Checks =
            [
                new("informer cache, 10,000 policies with status", "-", $"{micro["informerCacheMegabytes"]} MB ({perObject:N0} B/object), list+sync {listSeconds:0.00} s", null),
                new($"process memory after {Relists} relists (410)", "flat", $"{micro["processGrowthAfterRelistsMegabytes"]} MB (at sync {micro["informerCacheMegabytes"]} MB)", afterRelists - before < (synced - before) * 1.25),
            ],
            WallSeconds = Stats.Round(c.Clock.Now - began, 1),
        };
    }

    private static long RetainedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>A status shaped like the operator's for a converged policy (ten conditions, document, sync time).</summary>
    public static JsonObject Status(int i)
    {
        var conditions = new JsonArray();
        foreach (var (type, reason) in new[]
        {
            ("Ready", "Synced"), ("Reconciling", "Converged"), ("Stalled", "Progressing"), ("PreferencesSynced", "DocumentSynced"),
            ("S3Ready", "BucketReady"), ("CloudWatchReady", "LogGroupReady"), ("EncryptionReady", "NotConfigured"),
            ("KmsGrantsReady", "NotConfigured"), ("AlertsReady", "NotConfigured"), ("AuditTrailReady", "TrailLogging"),
        })
        {
            conditions.Add(new JsonObject
            {
                ["type"] = type,
                ["status"] = type is "Reconciling" or "Stalled" ? "False" : "True",
                ["observedGeneration"] = 1,
                ["lastTransitionTime"] = "2025-01-01T00:00:00Z",
                ["reason"] = reason,
                ["message"] = $"{type} for policy {i}: the concern was observed and matches the policy (bench fixture text of a realistic length).",
            });
        }

        return new JsonObject
        {
            ["observedGeneration"] = 1,
            ["conditions"] = conditions,
            ["document"] = new JsonObject { ["name"] = "Bench-Prefs-" + i, ["currentVersion"] = "1" },
            ["lastSyncTime"] = "2025-01-01T00:00:00Z",
        };
    }
}
