using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Clients;

/// <summary>The official .NET client (KubernetesClient), which the operator uses, works against the sandbox.</summary>
public sealed class KubernetesClientTests
{
    private static k8s.Kubernetes Client(SandboxScope s) =>
        new(KubernetesClientConfiguration.BuildConfigFromConfigFile(s.Kubeconfig));

    [Fact]
    public async Task LeasesSupportOptimisticConcurrency()
    {
        await using var s = await SandboxScope.StartAsync();
        using var client = Client(s);
        var ct = TestContext.Current.CancellationToken;

        var lease = await client.CoordinationV1.CreateNamespacedLeaseAsync(
            new V1Lease { Metadata = new V1ObjectMeta { Name = "leader" }, Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15 } },
            "default",
            cancellationToken: ct);
        lease.Spec.HolderIdentity = "b";
        var renewed = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "leader", "default", cancellationToken: ct);
        lease.Spec.HolderIdentity = "c";
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "leader", "default", cancellationToken: ct));

        Assert.Equal("b", renewed.Spec.HolderIdentity);
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Contains(s.Sandbox.RequestLog, r => r is { Verb: "update", Resource: "leases", Identity: "admin", StatusCode: 409 });
    }

    [Fact]
    public async Task CustomObjectsListWatchAndStatusPatchWork()
    {
        await using var s = await SandboxScope.StartAsync();
        (await s.Kubectl.RunAsync("apply", "-f", s.Manifest("crd.yaml", Manifests.WidgetCrd))).Succeeded();
        using var client = Client(s);
        var ct = TestContext.Current.CancellationToken;
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new Dictionary<string, object> { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new Dictionary<string, object> { ["name"] = "alpha" }, ["spec"] = new Dictionary<string, object> { ["size"] = 2 } },
            "example.com", "v1", "default", "widgets", cancellationToken: ct);

        var list = (JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync("example.com", "v1", "default", "widgets", cancellationToken: ct);
        var listVersion = list.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        var seen = new ConcurrentQueue<(WatchEventType Type, JsonElement Object)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
#pragma warning disable CS0618 // WatchAsync on the response is the documented way for custom objects
        var response = client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(
            "example.com", "v1", "default", "widgets", watch: true, allowWatchBookmarks: true, resourceVersion: listVersion, timeoutSeconds: 60, cancellationToken: stop.Token);
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var (type, obj) in response.WatchAsync<JsonElement, object>(cancellationToken: stop.Token))
                {
                    seen.Enqueue((type, obj));
                }
            }
            catch (OperationCanceledException)
            {
                // stopped by the test
            }
        }, ct);
#pragma warning restore CS0618
        await Eventually.TrueAsync(() => s.Sandbox.OpenWatches == 1, TimeSpan.FromSeconds(10), "the client's watch", TestContext.Current.CancellationToken);

        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"observedGeneration":1}}""", V1Patch.PatchType.MergePatch), "example.com", "v1", "default", "widgets", "alpha", cancellationToken: ct);
        await Eventually.TrueAsync(() => seen.Any(e => e.Type == WatchEventType.Modified), TimeSpan.FromSeconds(10), "the status change", TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await watching;

        var modified = seen.First(e => e.Type == WatchEventType.Modified).Object;
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
        Assert.Equal(1, modified.GetProperty("status").GetProperty("observedGeneration").GetInt64());
        Assert.Equal(1, modified.GetProperty("metadata").GetProperty("generation").GetInt64());
        Assert.DoesNotContain(seen, e => e.Type == WatchEventType.Added);
    }
}
