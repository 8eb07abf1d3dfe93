using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Hosting;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.LeaderElection;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Status;
using SessionAudit.Sandbox.Kubernetes;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>
/// Behaviour a real API server exposes and a lenient stand-in would hide (issue 13, item 3): each test fails without the
/// runtime behaviour it names.
/// </summary>
public sealed class RealClusterBehaviourTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_watch_broken_mid_stream_resumes_from_the_last_delivered_resource_version_not_the_lists()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var cache = new ResourceCache<Widget>();
        var informer = new Informer<Widget>(env.Connect("informer").Api, Widget.Descriptor, cache, new InformerOptions { BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(40) });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = informer.RunAsync(stop.Token);
        await cache.WaitForSyncAsync(ct).WaitAsync(Deadline, ct);
        var listed = informer.LastResourceVersion;

        // A non-410 ERROR event (a storage error): no relist, the next watch starts after the last event applied.
        await WatchesAsync(env, 1, ct);
        var a = await env.CreateAsync(Widget.New("default", "a", 1), ct);
        await Eventually.TrueAsync(() => cache.Get(new ResourceKey("default", "a")) is not null, Deadline, "a delivered", ct);
        env.Sandbox.Faults.FailAllWatches();
        var second = await WatchesAsync(env, 2, ct);
        Assert.Equal(a.Metadata.ResourceVersion, ResourceVersionOf(second));
        Assert.NotEqual(listed, ResourceVersionOf(second));

        // A connection reset mid-stream: the same.
        var b = await env.CreateAsync(Widget.New("default", "b", 1), ct);
        await Eventually.TrueAsync(() => cache.Get(new ResourceKey("default", "b")) is not null, Deadline, "b delivered", ct);
        env.Sandbox.Faults.ResetAllWatches();
        var third = await WatchesAsync(env, 3, ct);
        Assert.Equal(b.Metadata.ResourceVersion, ResourceVersionOf(third));
        Assert.Equal(1, env.Sandbox.RequestLog.Count(r => r.Identity == "informer" && r.Verb == "list"));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_new_leadership_term_reconciles_every_listed_object_again_without_waiting_for_a_resync()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        await env.CreateAsync(Widget.New("default", "w1", 1), ct);
        await env.CreateAsync(Widget.New("default", "w2", 1), ct);
        var api = env.Connect("controller").Api;
        var cache = new ResourceCache<Widget>();
        var reconciler = new CountingReconciler();
        var options = new ControllerOptions { Resync = TimeSpan.FromHours(1) };

        // Term one: both reconciled once; then leadership is lost (the run's token fires).
        using (var term = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var first = new Controller<Widget>(api, Widget.Descriptor, cache, reconciler, options);
            var run = first.RunAsync(term.Token);
            await Eventually.TrueAsync(() => reconciler.Count("default/w1") == 1 && reconciler.Count("default/w2") == 1, Deadline, "term one reconciles both", ct);
            await term.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        }

        // Term two on the same (already synced) cache, nothing changed on the server: both are reconciled again at once.
        using var second = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var again = new Controller<Widget>(api, Widget.Descriptor, cache, reconciler, options);
        var run2 = again.RunAsync(second.Token);
        await Eventually.TrueAsync(() => reconciler.Count("default/w1") == 2 && reconciler.Count("default/w2") == 2, Deadline, "term two reconciles both again", ct);
        await second.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run2);
    }

    [Fact]
    public async Task A_status_computed_from_a_stale_generation_is_not_written_over_a_newer_one_after_a_conflict()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var stale = await env.CreateAsync(Widget.New("default", "w", 1), ct);
        var writer = new StatusWriter<Widget>(env.Connect("controller").Api, Widget.Descriptor);

        // The spec moves on and a newer reconcile already wrote the status of generation 2.
        var resized = await env.ResizeAsync("default", "w", 2, ct);
        var newer = await writer.WriteAsync(resized, x => x.Status = new WidgetStatus { ObservedGeneration = 2, ObservedSize = 2 }, ct);
        Assert.Equal(StatusWriteOutcome.Written, newer.Outcome);

        // The slow reconcile of generation 1 finishes: its precomputed status meets 409 and must not land.
        var computedFromGen1 = new WidgetStatus { ObservedGeneration = 1, ObservedSize = 1 };
        var late = await writer.WriteAsync(stale, x => x.Status = computedFromGen1, ct);
        Assert.Equal(StatusWriteOutcome.Stale, late.Outcome);
        var stored = await env.GetAsync("default", "w", ct);
        Assert.Equal(2, stored!.Status.ObservedGeneration);
        Assert.Equal(2, stored.Status.ObservedSize);
    }

    [Theory]
    [InlineData("list", 429)]
    [InlineData("get", 429)]
    [InlineData("watch", 429)]
    [InlineData("create", 429)]
    [InlineData("update", 429)]
    [InlineData("patch", 429)]
    [InlineData("get", 503)]
    [InlineData("update", 500)]
    public async Task A_throttled_request_with_retry_after_is_retried_no_sooner_than_the_server_asked(string verb, int status)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var created = await env.CreateAsync(Widget.New("default", "w", 1), ct);
        var api = env.Connect("client").Api;
        env.Sandbox.Faults.Throttle(1, retryAfterSeconds: 1, statusCode: status, verb: verb);
        var key = new ResourceKey("default", "w");
        switch (verb)
        {
            case "list":
                await api.SendAsync<JsonObject>(HttpMethod.Get, Widget.Descriptor.CollectionPath("default"), null, null, ct);
                break;
            case "get":
                Assert.NotNull(await api.GetAsync<Widget>(Widget.Descriptor, key, ct));
                break;
            case "watch":
                using (await api.OpenStreamAsync(Widget.Descriptor.CollectionPath("default") + "?watch=true&timeoutSeconds=1", ct))
                {
                }

                break;
            case "create":
                await api.CreateAsync(Widget.Descriptor, "default", Widget.New("default", "new", 1), ct);
                break;
            case "update":
                created.Status = new WidgetStatus { ObservedGeneration = 1 };
                await api.ReplaceStatusAsync(Widget.Descriptor, key, created, ct);
                break;
            case "patch":
                await api.MergePatchAsync<Widget>(Widget.Descriptor, key, """{"metadata":{"labels":{"a":"b"}}}""", ct);
                break;
        }

        var attempts = env.Sandbox.RequestLog.Where(r => r.Identity == "client" && r.Verb == verb).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(status, attempts[0].StatusCode);
        var waited = attempts[1].Time - attempts[0].Time;
        Assert.True(waited >= TimeSpan.FromMilliseconds(990), $"retried after {waited.TotalMilliseconds} ms, Retry-After was 1 s");
    }

    [Fact]
    public async Task A_clean_stop_releases_the_lease_even_when_a_reconcile_drains_to_the_end_of_the_shutdown_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var log = new ReconcileLog();
        var host = ControllerHostFactory.Build(env, "op-a", log, o =>
        {
            o.LeaderElection.Name = "widgets-leader";
            o.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(30);
            o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(20);
            o.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(500);
        });
        await host.StartAsync(ct);
        await Eventually.TrueAsync(() => host.Services.GetRequiredService<ILeadershipStatus>().IsActive, Deadline, "a leads", ct);

        // A reconcile that only ends when cancelled: draining it takes the whole shutdown timeout (5 s).
        log.Hold = new TaskCompletionSource();
        await env.CreateAsync(Widget.New("default", "slow", 1), ct);
        await Eventually.TrueAsync(() => log.Keys.Contains("default/slow"), Deadline, "slow reconcile in flight", ct);
        var stopping = Stopwatch.StartNew();
        await host.StopAsync(ct);
        host.Dispose();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(8), $"stopped after {stopping.Elapsed}");

        var lease = await env.Admin.GetAsync<V1Lease>(ResourceDescriptor.Lease, new ResourceKey("default", "widgets-leader"), ct);
        Assert.True(string.IsNullOrEmpty(lease!.Spec.HolderIdentity), $"lease still held by {lease.Spec.HolderIdentity}");
    }

    [Fact]
    public async Task The_idle_watchdog_leaves_a_healthy_watch_alone_when_the_server_sends_no_bookmarks()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(new KubernetesSandboxOptions { BookmarkInterval = TimeSpan.FromHours(1) }, ct);
        var cache = new ResourceCache<Widget>();
        var informer = new Informer<Widget>(
            env.Connect("informer").Api,
            Widget.Descriptor,
            cache,
            new InformerOptions { WatchTimeoutMin = TimeSpan.FromSeconds(4), WatchTimeoutMax = TimeSpan.FromSeconds(4), WatchIdleTimeout = TimeSpan.FromMilliseconds(300) });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = informer.RunAsync(stop.Token);
        var first = await WatchesAsync(env, 1, ct);

        // No events and no bookmarks for ten times the idle timeout, well inside the watch's own 4 s.
        var quiet = first.Time + TimeSpan.FromSeconds(3);
        while (DateTimeOffset.UtcNow < quiet)
        {
            Assert.Equal(1, env.Sandbox.RequestLog.Count(r => r.Identity == "informer" && r.Verb == "watch"));
            await Task.Delay(50, ct);
        }

        // The server ends it at its timeoutSeconds; the next one follows from the same resourceVersion.
        var second = await WatchesAsync(env, 2, ct);
        Assert.Equal(ResourceVersionOf(first), ResourceVersionOf(second));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_watch_that_hangs_past_its_own_timeout_is_abandoned_by_the_watchdog()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var cache = new ResourceCache<Widget>();
        var informer = new Informer<Widget>(
            env.Connect("informer", new HangingWatches()).Api,
            Widget.Descriptor,
            cache,
            new InformerOptions { WatchTimeoutMin = TimeSpan.FromSeconds(1), WatchTimeoutMax = TimeSpan.FromSeconds(1), WatchIdleTimeout = TimeSpan.FromMilliseconds(200) });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = informer.RunAsync(stop.Token);
        await cache.WaitForSyncAsync(ct).WaitAsync(Deadline, ct);
        var started = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => HangingWatches.Opened >= 3, Deadline, "hung watches re-opened by the watchdog", ct);
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(2), $"re-opened twice after {started.Elapsed}: before the watch's own timeout");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task An_object_recreated_under_the_same_name_during_a_watch_gap_is_reconciled_as_new()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var gate = new WatchGate();
        var log = new ReconcileLog();
        using var host = ControllerHostFactory.Build(env, "op", log, o => { o.LeaderElection.Enabled = false; o.Resync = TimeSpan.FromHours(1); }, gate);
        await host.StartAsync(ct);
        var old = await env.CreateAsync(Widget.New("default", "w", 1), ct);
        await Eventually.TrueAsync(async () => (await env.GetAsync("default", "w", ct))?.Status?.ObservedSize == 1, Deadline, "old object reconciled", ct);

        // Watch gap: no watch can open; the object is deleted and re-created (new uid, generation 1 again).
        gate.Closed = true;
        env.Sandbox.Faults.DropAllWatches();
        await env.DeleteAsync("default", "w", ct);
        var recreated = await env.CreateAsync(Widget.New("default", "w", 7), ct);
        Assert.NotEqual(old.Metadata.Uid, recreated.Metadata.Uid);
        Assert.Equal(old.Metadata.Generation, recreated.Metadata.Generation);
        await env.Admin.CreateAsync(new ResourceDescriptor("", "v1", "configmaps", "ConfigMap", true), "default", new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new() { Name = "bump" } }, ct);
        env.Sandbox.Faults.ExpireResourceVersions();
        gate.Closed = false;

        await Eventually.TrueAsync(async () => (await env.GetAsync("default", "w", ct))?.Status is { ObservedSize: 7, ObservedGeneration: 1 }, Deadline, "the new object reconciled with its own spec", ct);
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task Lease_times_are_written_with_six_fraction_digits_also_on_a_whole_second()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var elector = new LeaderElector(env.Connect("op").Api, new LeaderElectionOptions { Namespace = "default", Name = "micro", Identity = "op" }, clock);
        Assert.True(await elector.TryAcquireOrRenewAsync(ct));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await elector.TryAcquireOrRenewAsync(ct));
        var raw = await env.Admin.SendAsync<JsonObject>(HttpMethod.Get, ResourceDescriptor.Lease.ObjectPath(new ResourceKey("default", "micro")), null, null, ct);
        Assert.Equal("2024-01-01T00:00:00.000000Z", (string?)raw["spec"]!["acquireTime"]);
        Assert.Equal("2024-01-01T00:00:02.000000Z", (string?)raw["spec"]!["renewTime"]);
    }

    [Fact]
    public async Task A_tls_server_name_is_verified_against_the_certificate_also_with_a_custom_ca()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        string WithServerName(string config, string name) =>
            config.Replace("    server: ", $"    tls-server-name: {name}\n    server: ", StringComparison.Ordinal);

        using var wrong = KubernetesConnection.Create(env.Kubeconfig("wrong", c => WithServerName(c, "wrong.example")), null, TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => wrong.Api.SendAsync<JsonObject>(HttpMethod.Get, "api/v1/namespaces", null, null, ct));

        using var right = KubernetesConnection.Create(env.Kubeconfig("right", c => WithServerName(c, "localhost")), null, TimeSpan.FromSeconds(5));
        Assert.NotNull(await right.Api.SendAsync<JsonObject>(HttpMethod.Get, "api/v1/namespaces", null, null, ct));

        using var plain = KubernetesConnection.Create(env.Kubeconfig("plain"), null, TimeSpan.FromSeconds(5));
        Assert.NotNull(await plain.Api.SendAsync<JsonObject>(HttpMethod.Get, "api/v1/namespaces", null, null, ct));
    }

    [Fact]
    public async Task Every_write_of_a_hosted_controller_names_its_field_manager()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var log = new ReconcileLog();
        using var host = ControllerHostFactory.Build(env, "op", log, o => { o.FieldManager = "session-audit-operator"; o.LeaderElection.Name = "widgets-leader"; });
        await host.StartAsync(ct);
        await env.CreateAsync(Widget.New("default", "w", 1), ct);
        await Eventually.TrueAsync(async () => (await env.GetAsync("default", "w", ct))?.Status?.ObservedSize == 1, Deadline, "reconciled", ct);
        await host.StopAsync(ct);

        var writes = env.Sandbox.RequestLog.Where(r => r.Identity == "op" && r.Verb is "create" or "update" or "patch").ToList();
        Assert.Contains(writes, r => r.Resource == "leases");
        Assert.Contains(writes, r => r.Subresource == "status");
        Assert.All(writes, r => Assert.Equal("session-audit-operator", r.FieldManager));
    }

    [Fact]
    public async Task Two_installs_in_different_namespaces_never_both_lead_over_cluster_scoped_objects()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var gadgets = await RegisterClusterScopedAsync(env, ct);
        void Lease(ControllerOptions o)
        {
            o.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(3);
            o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(2);
            o.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(300);
        }

        // Two installs: each its own context namespace, neither told where the Lease lives.
        string In(string config, string ns) => config.Replace("namespace: default", "namespace: " + ns, StringComparison.Ordinal);
        using var a = ControllerHostFactory.Build(env, "install-a", new ReconcileLog(), Lease, resource: gadgets, kubeconfig: env.Kubeconfig("install-a", c => In(c, "team-a")));
        using var b = ControllerHostFactory.Build(env, "install-b", new ReconcileLog(), Lease, resource: gadgets, kubeconfig: env.Kubeconfig("install-b", c => In(c, "team-b")));
        var statusA = a.Services.GetRequiredService<ILeadershipStatus>();
        var statusB = b.Services.GetRequiredService<ILeadershipStatus>();
        await a.StartAsync(ct);
        await b.StartAsync(ct);
        await Eventually.TrueAsync(() => statusA.IsActive || statusB.IsActive, Deadline, "one leads", ct);
        await Eventually.TrueAsync(() => env.Sandbox.RequestLog.Count(r => r.Identity is "install-a" or "install-b" && r.Resource == "leases") >= 10, Deadline, "both campaign", ct);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(2))
        {
            Assert.False(statusA.IsActive && statusB.IsActive, "both installs lead");
            await Task.Delay(20, ct);
        }

        var leases = env.Sandbox.RequestLog.Where(r => r.Identity is "install-a" or "install-b" && r.Resource == "leases").Select(r => r.Namespace).Distinct().ToList();
        Assert.Equal([LeaseDefaults.ClusterScopedNamespace], leases);
        await a.StopAsync(ct);
        await b.StopAsync(ct);
    }

    private static async Task<ResourceDescriptor> RegisterClusterScopedAsync(SandboxEnv env, CancellationToken ct)
    {
        var descriptor = new ResourceDescriptor("test.sessionaudit.io", "v1", "gadgets", "Widget", Namespaced: false);
        await env.RegisterCrdAsync(descriptor, "Gadget", ct);
        return descriptor;
    }

    private static async Task<KubernetesRequestRecord> WatchesAsync(SandboxEnv env, int n, CancellationToken ct)
    {
        await Eventually.TrueAsync(() => env.Sandbox.RequestLog.Count(r => r.Identity == "informer" && r.Verb == "watch") >= n, Deadline, $"watch #{n}", ct);
        return env.Sandbox.RequestLog.Where(r => r.Identity == "informer" && r.Verb == "watch").ElementAt(n - 1);
    }

    private static string ResourceVersionOf(KubernetesRequestRecord watch) =>
        Uri.UnescapeDataString(watch.Path.Split("resourceVersion=")[1].Split('&')[0]);

    private sealed class CountingReconciler : IReconciler<Widget>
    {
        private readonly ConcurrentDictionary<string, int> counts = new();

        public int Count(string key) => counts.TryGetValue(key, out var n) ? n : 0;

        public Task<ReconcileResult> ReconcileAsync(ReconcileRequest req, CancellationToken ct)
        {
            counts.AddOrUpdate(req.Key.ToString(), 1, (_, n) => n + 1);
            return Task.FromResult(ReconcileResult.Success());
        }
    }

    /// <summary>While closed, every watch request fails before leaving the process (a network partition for watches only).</summary>
    private sealed class WatchGate : DelegatingHandler
    {
        public volatile bool Closed;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Closed && request.RequestUri!.Query.Contains("watch=true", StringComparison.Ordinal)
                ? throw new HttpRequestException("watch cut by the test")
                : base.SendAsync(request, cancellationToken);
    }

    /// <summary>Answers every watch with a 200 whose body never yields a byte nor ends: a connection that hangs.</summary>
    private sealed class HangingWatches : DelegatingHandler
    {
        private static int opened;

        public static int Opened => Volatile.Read(ref opened);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!request.RequestUri!.Query.Contains("watch=true", StringComparison.Ordinal))
            {
                return base.SendAsync(request, cancellationToken);
            }

            Interlocked.Increment(ref opened);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StreamContent(new SilentStream()) });
        }
    }

    private sealed class SilentStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
