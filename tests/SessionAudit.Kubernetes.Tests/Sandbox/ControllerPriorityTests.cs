using System.Collections.Concurrent;
using System.Diagnostics;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Queue;
using SessionAudit.Kubernetes.Resources;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>How the controller uses the queue's lanes: changes overtake resyncs, and resync defers to pending requeues.</summary>
public sealed class ControllerPriorityTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_spec_change_is_reconciled_before_the_resync_burst_waiting_ahead_of_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        for (var i = 0; i < 30; i++)
        {
            await env.CreateAsync(Widget.New("default", $"load-{i:00}", 1), ct);
        }

        await env.CreateAsync(Widget.New("default", "target", 1), ct);
        var api = env.Connect("controller").Api;
        var cache = new ResourceCache<Widget>();
        var target = new ResourceKey("default", "target");

        // Each reconcile notes which generation of the target the cache held when it started.
        var starts = new ConcurrentQueue<(string Name, long? TargetGeneration)>();
        var reconciler = new DelegateReconciler(async (req, token) =>
        {
            starts.Enqueue((req.Key.Name, cache.Get(target)?.Metadata.Generation));
            await Task.Delay(40, token);
            return ReconcileResult.Success();
        });

        // One worker at 40 ms per key and 31 keys resynced every second: the low lane never runs dry.
        var controller = new Controller<Widget>(api, Widget.Descriptor, cache, reconciler, new ControllerOptions { Resync = TimeSpan.FromSeconds(1), Concurrency = 1 });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = controller.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => starts.Any(s => s.Name == "target") && controller.Queue.CountOf(QueuePriority.Low) >= 15, Deadline, "a resync burst waiting", ct);
        await env.ResizeAsync("default", "target", 2, ct);
        await Eventually.TrueAsync(() => starts.Any(s => s is { Name: "target", TargetGeneration: 2 }), Deadline, "target reconciled at generation 2", ct);

        // Once the change is in the cache, at most the key a worker took between the cache update and the event
        // handler runs before the target; a FIFO queue would run the whole waiting burst first.
        var log = starts.ToArray();
        var othersFirst = log.TakeWhile(s => s is not { Name: "target", TargetGeneration: 2 }).Count(s => s.TargetGeneration == 2);
        Assert.InRange(othersFirst, 0, 1);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Resync_leaves_a_key_to_its_own_requeue_due_before_the_next_resync_and_queues_the_others()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var api = env.Connect("controller").Api;
        var cache = new ResourceCache<Widget>();
        var clock = Stopwatch.StartNew();
        var starts = new ConcurrentDictionary<string, ConcurrentQueue<TimeSpan>>();
        var requeue = new Dictionary<string, TimeSpan?>
        {
            ["poll"] = TimeSpan.FromMilliseconds(900), // due before every next resync: resync must skip it
            ["slow"] = TimeSpan.FromSeconds(60),       // due after the next resync: resync must queue it
            ["plain"] = null,                          // nothing pending: resync must queue it
        };
        var reconciler = new DelegateReconciler((req, _) =>
        {
            starts.GetOrAdd(req.Key.Name, _ => new()).Enqueue(clock.Elapsed);
            return Task.FromResult(requeue[req.Key.Name] is { } d ? ReconcileResult.RequeueAfter(d) : ReconcileResult.Success());
        });
        var controller = new Controller<Widget>(api, Widget.Descriptor, cache, reconciler, new ControllerOptions { Resync = TimeSpan.FromSeconds(1), Concurrency = 2 });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = controller.RunAsync(stop.Token);
        foreach (var name in requeue.Keys)
        {
            await env.CreateAsync(Widget.New("default", name, 1), ct);
        }

        int Count(string name) => starts.TryGetValue(name, out var q) ? q.Count : 0;
        await Eventually.TrueAsync(() => Count("slow") >= 4 && Count("plain") >= 4 && Count("poll") >= 4, Deadline, "three resyncs and polls", ct);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        // poll runs only on its own timer: never two starts closer than its 900 ms (a resync add would land
        // anywhere in between). Timers fire late, never early.
        var poll = starts["poll"].ToArray();
        var gaps = poll.Zip(poll.Skip(1), (a, b) => b - a).ToArray();
        Assert.All(gaps, g => Assert.True(g >= TimeSpan.FromMilliseconds(890), $"poll reconciled again after {g.TotalMilliseconds:0} ms: {string.Join(", ", gaps.Select(x => x.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))}"));
    }

    private sealed class DelegateReconciler(Func<ReconcileRequest, CancellationToken, Task<ReconcileResult>> reconcile) : IReconciler<Widget>
    {
        public Task<ReconcileResult> ReconcileAsync(ReconcileRequest req, CancellationToken ct) => reconcile(req, ct);
    }
}
