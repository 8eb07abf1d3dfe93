using System.Collections.Concurrent;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Status;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

public sealed class ControllerSemanticsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>size &lt; 0 fails terminally, size 5 polls every 100 ms, anything else writes status and succeeds.</summary>
    private sealed class ScriptedReconciler(IResourceCache<Widget> cache, IStatusWriter<Widget> status) : IReconciler<Widget>
    {
        public ConcurrentDictionary<string, int> Calls { get; } = new();

        public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest req, CancellationToken ct)
        {
            Calls.AddOrUpdate(req.Key.Name, 1, (_, n) => n + 1);
            var w = cache.Get(req.Key);
            if (w is null) return ReconcileResult.Success();
            if (w.Spec.Size < 0) return ReconcileResult.Terminal("negative size");
            if (w.Spec.Size == 5) return ReconcileResult.RequeueAfter(TimeSpan.FromMilliseconds(100));
            await status.WriteAsync(w, x => { x.Status ??= new(); x.Status.ObservedGeneration = x.Metadata.Generation; }, ct);
            return ReconcileResult.Success();
        }
    }

    private static int Get(ConcurrentDictionary<string, int> calls, string name) => calls.TryGetValue(name, out var n) ? n : 0;

    [Fact]
    public async Task Own_status_writes_do_not_retrigger_terminal_failures_wait_for_a_change_and_requeue_after_polls()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var api = env.Connect("controller").Api;
        var cache = new ResourceCache<Widget>();
        var reconciler = new ScriptedReconciler(cache, new StatusWriter<Widget>(api, Widget.Descriptor));
        var controller = new Controller<Widget>(api, Widget.Descriptor, cache, reconciler, new ControllerOptions { Resync = TimeSpan.FromSeconds(1), Concurrency = 2 });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = controller.RunAsync(stop.Token);

        await env.CreateAsync(Widget.New("default", "good", 1), ct);
        await env.CreateAsync(Widget.New("default", "bad", -1), ct);
        await env.CreateAsync(Widget.New("default", "poll", 5), ct);

        // The status write's MODIFIED event has reached the handler once the cache shows it: no new work may follow.
        await Eventually.TrueAsync(() => cache.Get(new ResourceKey("default", "good"))?.Status?.ObservedGeneration == 1, Deadline, "status in cache", ct);
        Assert.Equal(1, Get(reconciler.Calls, "good"));

        // RequeueAfter polls; resync reconciles good again; bad (terminal) is left alone.
        await Eventually.TrueAsync(() => Get(reconciler.Calls, "poll") >= 5 && Get(reconciler.Calls, "good") >= 2, Deadline, "polling and resync", ct);
        Assert.Equal(1, Get(reconciler.Calls, "bad"));

        // A change of the terminally failed object brings it back.
        await env.ResizeAsync("default", "bad", 2, ct);
        await Eventually.TrueAsync(() => cache.Get(new ResourceKey("default", "bad"))?.Status?.ObservedGeneration == 2, Deadline, "bad fixed and reconciled", ct);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
