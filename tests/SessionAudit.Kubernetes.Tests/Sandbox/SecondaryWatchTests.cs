using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Hosting;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Resources;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>
/// Secondary watches (AddKubernetesWatch): Widgets name a cluster-scoped Gadget by label, or use the default Gadget, as
/// the operator's policies use AwsAccounts. Gadget changes re-queue exactly the Widgets mapped to them.
/// </summary>
public sealed class SecondaryWatchTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>How long nothing more may arrive after the expected reconciles (no resync runs within a test).</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(800);

    /// <summary>One reconcile as the reconciler saw it: the key, whether the Gadget cache had synced, the Gadget it resolved.</summary>
    public sealed record Visit(string Key, bool GadgetsSynced, string? Gadget, string? Region);

    public sealed class Visits
    {
        private readonly List<Visit> items = [];

        public void Add(Visit v)
        {
            lock (items) items.Add(v);
        }

        public IReadOnlyList<Visit> Snapshot()
        {
            lock (items) return [.. items];
        }

        public void Clear()
        {
            lock (items) items.Clear();
        }
    }

    /// <summary>Reads the Widget and the Gadget it uses from the caches, and records what it found; nothing else.</summary>
    private sealed class GadgetReadingReconciler(IResourceCache<Widget> widgets, IResourceCache<Gadget> gadgets, Visits visits) : IReconciler<Widget>
    {
        public Task<ReconcileResult> ReconcileAsync(ReconcileRequest req, CancellationToken ct)
        {
            var w = widgets.Get(req.Key);
            Gadget? g = null;
            if (w is not null)
            {
                g = w.Metadata.Labels?.TryGetValue(Gadget.RefLabel, out var name) == true
                    ? gadgets.Get(new ResourceKey(null, name))
                    : gadgets.List().FirstOrDefault(x => x.Spec.Default);
            }

            visits.Add(new Visit(req.Key.ToString(), gadgets.HasSynced, g?.Metadata.Name, g?.Spec.Region));
            return Task.FromResult(ReconcileResult.Success());
        }
    }

    /// <summary>Holds the Gadgets' list requests until released; watches and everything else pass.</summary>
    private sealed class GadgetListGate : DelegatingHandler
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            if (uri.AbsolutePath.EndsWith("/" + Gadget.Descriptor.Plural, StringComparison.Ordinal) && !uri.Query.Contains("watch=true", StringComparison.Ordinal))
            {
                Reached.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Answers 403 to every Secret request, as an API server whose RBAC does not grant `get` on secrets.</summary>
    private sealed class ForbidSecrets : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath.Contains("/secrets", StringComparison.Ordinal)
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden)
                {
                    Content = new StringContent("""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403}"""),
                })
                : base.SendAsync(request, cancellationToken);
    }

    /// <summary>Gadgets g1 (region r1) and g2 (default); Widgets a, b naming g1, c naming g2, d naming none (so g2).</summary>
    private static async Task<SandboxEnv> StartWithGadgetsAndWidgetsAsync(CancellationToken ct)
    {
        var env = await SandboxEnv.StartAsync(ct);
        await env.RegisterCrdAsync(Gadget.Descriptor, "Gadget", ct);
        await CreateGadgetAsync(env, Gadget.New("g1", isDefault: false, "r1"), ct);
        await CreateGadgetAsync(env, Gadget.New("g2", isDefault: true, "r2"), ct);
        foreach (var (name, gadget) in new[] { ("a", "g1"), ("b", "g1"), ("c", "g2"), ("d", null) })
        {
            var w = Widget.New("default", name, 1);
            if (gadget is not null) w.Metadata.Labels = new Dictionary<string, string> { [Gadget.RefLabel] = gadget };
            await env.CreateAsync(w, ct);
        }

        return env;
    }

    private static Task<Gadget> CreateGadgetAsync(SandboxEnv env, Gadget g, CancellationToken ct) =>
        SandboxEnv.Retry(() => env.Admin.CreateAsync(Gadget.Descriptor, null, g, ct), ct);

    private static Task<Gadget> PatchGadgetAsync(SandboxEnv env, string name, string patch, CancellationToken ct, bool status = false) =>
        SandboxEnv.Retry(() => env.Admin.MergePatchAsync<Gadget>(Gadget.Descriptor, new ResourceKey(null, name), patch, ct, status), ct);

    private static IHost BuildHost(SandboxEnv env, Visits visits)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(visits);
        builder.Services.AddKubernetesController<Widget, GadgetReadingReconciler>(
            Widget.Descriptor,
            o =>
            {
                o.Kubeconfig = env.Kubeconfig("controller");
                o.RequestTimeout = TimeSpan.FromSeconds(5);
                o.LeaderElection.Identity = "controller";
                o.Informer.BackoffInitial = TimeSpan.FromMilliseconds(50);
                o.Informer.BackoffMax = TimeSpan.FromMilliseconds(500);
            });
        builder.Services.AddKubernetesWatch<Widget, Gadget>(Gadget.Descriptor, Gadget.WidgetsUsing);
        return builder.Build();
    }

    /// <summary>Waits until every key of <paramref name="expected"/> was reconciled, then a quiet spell; no other key may come.</summary>
    private static async Task<IReadOnlyList<Visit>> ReconciledExactlyAsync(Visits visits, string[] expected, CancellationToken ct)
    {
        await Eventually.TrueAsync(() => expected.All(k => visits.Snapshot().Any(v => v.Key == "default/" + k)), Deadline, "reconciles of " + string.Join(", ", expected), ct);
        await Task.Delay(Quiet, ct);
        var seen = visits.Snapshot();
        Assert.Equal(expected.Select(k => "default/" + k).Order(), seen.Select(v => v.Key).Distinct().Order());
        return seen;
    }

    private static Visit Last(IReadOnlyList<Visit> visits, string name) => visits.Last(v => v.Key == "default/" + name);

    private static async Task<(IHost Host, Visits Visits)> StartedHostAsync(SandboxEnv env, CancellationToken ct)
    {
        var visits = new Visits();
        var host = BuildHost(env, visits);
        await host.StartAsync(ct);
        var first = await ReconciledExactlyAsync(visits, ["a", "b", "c", "d"], ct);
        Assert.Equal("g2", Last(first, "d").Gadget);
        Assert.Equal("g1", Last(first, "a").Gadget);
        visits.Clear();
        return (host, visits);
    }

    [Fact]
    public async Task A_secondary_change_requeues_exactly_the_widgets_mapped_to_it_which_read_the_new_state_from_the_cache()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await StartWithGadgetsAndWidgetsAsync(ct);
        var (host, visits) = await StartedHostAsync(env, ct);
        using var _ = host;

        // A spec change (generation) of g1: a and b, which name it, and no other.
        await PatchGadgetAsync(env, "g1", """{"spec":{"region":"r9"}}""", ct);
        var seen = await ReconciledExactlyAsync(visits, ["a", "b"], ct);
        Assert.All(seen, v => Assert.Equal(("g1", "r9"), (v.Gadget, v.Region)));
        visits.Clear();

        // A status-only update is not a change worth a reconcile (Predicates.GenerationOrMetadataChanged).
        await PatchGadgetAsync(env, "g1", """{"status":{"seen":true}}""", ct, status: true);
        await Task.Delay(Quiet, ct);
        Assert.Empty(visits.Snapshot());

        // A label change of the default g2: c names it, d uses it as the default.
        await PatchGadgetAsync(env, "g2", """{"metadata":{"labels":{"team":"x"}}}""", ct);
        await ReconciledExactlyAsync(visits, ["c", "d"], ct);

        await host.StopAsync(ct);
    }

    [Fact]
    public async Task An_update_wakes_the_widgets_of_the_old_and_of_the_new_mapping()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await StartWithGadgetsAndWidgetsAsync(ct);
        var (host, visits) = await StartedHostAsync(env, ct);
        using var _ = host;

        // g2 stops being the default: the new object maps to c only, the old one also to d, which must learn it has none now.
        await PatchGadgetAsync(env, "g2", """{"spec":{"default":false}}""", ct);
        var seen = await ReconciledExactlyAsync(visits, ["c", "d"], ct);
        Assert.Null(Last(seen, "d").Gadget);
        visits.Clear();

        // g1 becomes the default: the new object maps to a, b and d.
        await PatchGadgetAsync(env, "g1", """{"spec":{"default":true}}""", ct);
        seen = await ReconciledExactlyAsync(visits, ["a", "b", "d"], ct);
        Assert.Equal("g1", Last(seen, "d").Gadget);

        await host.StopAsync(ct);
    }

    [Fact]
    public async Task A_deleted_secondary_requeues_the_widgets_that_used_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await StartWithGadgetsAndWidgetsAsync(ct);
        var (host, visits) = await StartedHostAsync(env, ct);
        using var _ = host;

        await SandboxEnv.Retry(() => env.Admin.SendAsync<JsonObject>(HttpMethod.Delete, Gadget.Descriptor.ObjectPath(new ResourceKey(null, "g1")), null, null, ct), ct);
        var seen = await ReconciledExactlyAsync(visits, ["a", "b"], ct);
        Assert.All(seen, v => Assert.Null(v.Gadget));

        await host.StopAsync(ct);
    }

    [Fact]
    public async Task Workers_start_only_once_the_secondary_informer_has_synced()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await StartWithGadgetsAndWidgetsAsync(ct);
        var gate = new GadgetListGate();
        var api = env.Connect("controller", gate).Api;
        var widgets = new ResourceCache<Widget>();
        var gadgets = new ResourceCache<Gadget>();
        var visits = new Visits();
        var controller = new Controller<Widget>(
            api,
            Widget.Descriptor,
            widgets,
            new GadgetReadingReconciler(widgets, gadgets, visits),
            new ControllerOptions(),
            watches: [new Watch<Widget, Gadget>(Gadget.Descriptor, gadgets, Gadget.WidgetsUsing)]);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = controller.RunAsync(stop.Token);

        // The primary has listed (every widget queued) while the Gadgets' list is held: no worker may take a key.
        await gate.Reached.Task.WaitAsync(Deadline, ct);
        await Eventually.TrueAsync(() => controller.Informer.HasSynced, Deadline, "widgets listed", ct);
        await Task.Delay(Quiet, ct);
        Assert.Empty(visits.Snapshot());
        Assert.Equal(4, controller.Queue.Count);

        gate.Release.SetResult();
        await Eventually.TrueAsync(() => visits.Snapshot().Count >= 4, Deadline, "every widget reconciled", ct);
        Assert.All(visits.Snapshot(), v => Assert.True(v.GadgetsSynced, v.Key));
        Assert.Equal("g2", Last(visits.Snapshot(), "d").Gadget);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    /// <summary>Terminal while the Gadget a Widget names is missing, success once it exists; counts reconciles per key.</summary>
    private sealed class NeedsGadgetReconciler(IResourceCache<Widget> widgets, IResourceCache<Gadget> gadgets) : IReconciler<Widget>
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, int> Calls { get; } = new();

        public Task<ReconcileResult> ReconcileAsync(ReconcileRequest req, CancellationToken ct)
        {
            Calls.AddOrUpdate(req.Key.Name, 1, (_, n) => n + 1);
            var w = widgets.Get(req.Key);
            string? name = null;
            _ = w?.Metadata.Labels?.TryGetValue(Gadget.RefLabel, out name);
            return Task.FromResult(name is not null && gadgets.Get(new ResourceKey(null, name)) is null
                ? ReconcileResult.Terminal($"gadget {name} does not exist")
                : ReconcileResult.Success());
        }
    }

    [Fact]
    public async Task A_secondary_change_lifts_a_terminal_failure_so_that_resync_covers_the_widget_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        await env.RegisterCrdAsync(Gadget.Descriptor, "Gadget", ct);
        var w = Widget.New("default", "x", 1);
        w.Metadata.Labels = new Dictionary<string, string> { [Gadget.RefLabel] = "g9" };
        await env.CreateAsync(w, ct);
        var api = env.Connect("controller").Api;
        var widgets = new ResourceCache<Widget>();
        var gadgets = new ResourceCache<Gadget>();
        var reconciler = new NeedsGadgetReconciler(widgets, gadgets);
        var controller = new Controller<Widget>(
            api,
            Widget.Descriptor,
            widgets,
            reconciler,
            new ControllerOptions { Resync = TimeSpan.FromSeconds(1) },
            watches: [new Watch<Widget, Gadget>(Gadget.Descriptor, gadgets, Gadget.WidgetsUsing)]);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = controller.RunAsync(stop.Token);
        int Calls() => reconciler.Calls.GetValueOrDefault("x");

        // Terminal: resync leaves it alone.
        await Eventually.TrueAsync(() => Calls() == 1, Deadline, "first reconcile", ct);
        await Task.Delay(TimeSpan.FromSeconds(2.5), ct);
        Assert.Equal(1, Calls());

        // The missing Gadget appears: x is reconciled at once, and from then on by every resync again.
        await CreateGadgetAsync(env, Gadget.New("g9", isDefault: false), ct);
        await Eventually.TrueAsync(() => Calls() == 2, Deadline, "reconcile after the gadget appeared", ct);
        await Eventually.TrueAsync(() => Calls() >= 4, TimeSpan.FromSeconds(5), "resyncs after the terminal failure was lifted", ct);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public void A_watch_registers_the_secondary_cache_and_refuses_the_primary_type_or_a_second_watch_of_one_type()
    {
        var services = new ServiceCollection();
        services.AddKubernetesWatch<Widget, Gadget>(Gadget.Descriptor, Gadget.WidgetsUsing);
        using (var sp = services.BuildServiceProvider())
        {
            Assert.Same(sp.GetRequiredService<ResourceCache<Gadget>>(), sp.GetRequiredService<IResourceCache<Gadget>>());
            var watch = Assert.IsType<Watch<Widget, Gadget>>(Assert.Single(sp.GetServices<IWatch<Widget>>()));
            Assert.Same(sp.GetRequiredService<ResourceCache<Gadget>>(), watch.Cache);
        }

        Assert.Throws<InvalidOperationException>(() => services.AddKubernetesWatch<Widget, Gadget>(Gadget.Descriptor, Gadget.WidgetsUsing));
        Assert.Throws<ArgumentException>(() => services.AddKubernetesWatch<Widget, Widget>(Widget.Descriptor, (x, _) => [ResourceKey.Of(x)]));
    }

    [Fact]
    public async Task A_secret_key_is_read_as_text_and_a_missing_secret_or_key_is_null()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = "gadget-external-id", NamespaceProperty = "default" },

            // stringData, folded into base64 data by the server as kubectl create secret --from-literal relies on.
            StringData = new Dictionary<string, string> { ["externalId"] = "ext-ü-123" },
        };
        await SandboxEnv.Retry(() => env.Admin.CreateAsync(ResourceDescriptor.Secret, "default", secret, ct), ct);
        var api = env.Connect("controller").Api;

        Assert.Equal("ext-ü-123", await api.ReadSecretValueAsync("default", "gadget-external-id", "externalId", ct));
        Assert.Null(await api.ReadSecretValueAsync("default", "gadget-external-id", "other", ct));
        Assert.Null(await api.ReadSecretValueAsync("default", "no-such-secret", "externalId", ct));

        var forbidden = env.Connect("controller", new ForbidSecrets()).Api;
        var e = await Assert.ThrowsAsync<KubernetesApiException>(() => forbidden.ReadSecretValueAsync("default", "gadget-external-id", "externalId", ct));
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
    }
}
