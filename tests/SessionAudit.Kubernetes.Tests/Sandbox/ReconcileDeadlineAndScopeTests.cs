using Microsoft.Extensions.Logging.Abstractions;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Status;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>The per-reconcile deadline, told apart from a stop, and the log scope every reconcile runs in.</summary>
public sealed class ReconcileDeadlineAndScopeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_reconcile_past_its_deadline_is_cancelled_logged_and_retried_with_backoff()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var logs = new CapturedLogs();
        var log = new ReconcileLog { Hold = new TaskCompletionSource() };
        using var spans = new SpanRecorder("default/slow");
        using var host = ControllerHostFactory.Build(env, "op", log, o =>
        {
            o.LeaderElection.Enabled = false;
            o.ReconcileTimeout = TimeSpan.FromMilliseconds(300);
        }, logs: logs);
        await host.StartAsync(ct);

        // The reconcile waits for the hold or its token: only the deadline ends it, and then again on the retry.
        await env.CreateAsync(Widget.New("default", "slow", 1), ct);
        await Eventually.TrueAsync(() => spans.Outcomes.Count(o => o == "timeout") >= 2, Deadline, "two attempts timed out", ct);
        var line = logs.Lines.First(l => l.EventId.Id == 1107);
        Assert.Contains("default/slow", line.Message, StringComparison.Ordinal);
        Assert.Equal("default/slow", line.Scope["key"]);
        Assert.DoesNotContain("canceled", spans.Outcomes);

        // The host kept running: once the reconcile can finish in time, it does.
        log.Hold.SetResult();
        await Eventually.TrueAsync(async () => (await env.GetAsync("default", "slow", ct))?.Status?.ObservedGeneration == 1, Deadline, "reconciled after the hold", ct);
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task A_stop_during_a_reconcile_counts_as_canceled_not_as_a_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var api = env.Connect("controller").Api;
        var cache = new ResourceCache<Widget>();
        var log = new ReconcileLog { Hold = new TaskCompletionSource() };
        var reconciler = new WidgetReconciler(cache, new StatusWriter<Widget>(api, Widget.Descriptor), log, TimeProvider.System, NullLogger<WidgetReconciler>.Instance);
        var controller = new Controller<Widget>(api, Widget.Descriptor, cache, reconciler, new ControllerOptions { ReconcileTimeout = TimeSpan.FromMinutes(5) });
        using var spans = new SpanRecorder("default/stopped");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = controller.RunAsync(stop.Token);

        await env.CreateAsync(Widget.New("default", "stopped", 1), ct);
        await Eventually.TrueAsync(() => log.Keys.Contains("default/stopped"), Deadline, "reconcile in flight", ct);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.Equal(["canceled"], spans.Outcomes);
    }

    [Fact]
    public async Task Every_line_a_reconciler_logs_names_the_controller_the_key_and_its_reconcile()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var logs = new CapturedLogs();
        using var host = ControllerHostFactory.Build(env, "op", new ReconcileLog(), o => o.LeaderElection.Enabled = false, logs: logs);
        await host.StartAsync(ct);

        await env.CreateAsync(Widget.New("default", "scoped", 1), ct);
        await Eventually.TrueAsync(async () => (await env.GetAsync("default", "scoped", ct))?.Status?.ObservedGeneration == 1, Deadline, "first reconcile", ct);
        await env.ResizeAsync("default", "scoped", 2, ct);
        await Eventually.TrueAsync(async () => (await env.GetAsync("default", "scoped", ct))?.Status?.ObservedGeneration == 2, Deadline, "second reconcile", ct);
        await host.StopAsync(ct);

        var lines = logs.Lines.Where(l => l.Category == typeof(WidgetReconciler).FullName).ToList();
        Assert.True(lines.Count >= 2, $"{lines.Count} reconciler lines");
        Assert.All(lines, l =>
        {
            Assert.Equal("Widget", l.Scope["controller"]);
            Assert.Equal("default/scoped", l.Scope["key"]);
            Assert.True(Guid.TryParse(l.Scope["reconcileId"] as string, out _), $"reconcileId {l.Scope.GetValueOrDefault("reconcileId")}");
        });
        Assert.Equal(lines.Count, lines.Select(l => l.Scope["reconcileId"]).Distinct().Count());
    }
}
