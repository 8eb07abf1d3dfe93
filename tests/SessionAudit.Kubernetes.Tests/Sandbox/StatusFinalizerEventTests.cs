using k8s.Models;
using SessionAudit.Kubernetes.Events;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Status;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

public sealed class StatusFinalizerEventTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static Action<Widget> Ready(DateTimeOffset now) => w =>
    {
        w.Status ??= new WidgetStatus();
        w.Status.ObservedGeneration = w.Metadata.Generation;
        w.Status.ObservedSize = w.Spec.Size;
        w.Status.Conditions ??= [];
        WidgetConditions.Set(w.Status.Conditions, "Ready", "True", "Reconciled", "ok", w.Metadata.Generation, now);
    };

    [Fact]
    public async Task Status_is_written_through_the_status_subresource_once_and_not_again_when_unchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var api = env.Connect("writer").Api;
        var w = await env.CreateAsync(Widget.New("default", "a", 3), ct);
        var writer = new StatusWriter<Widget>(api, Widget.Descriptor);

        var first = await writer.WriteAsync(w, Ready(Now), ct);
        Assert.Equal(StatusWriteOutcome.Written, first.Outcome);
        Assert.Equal(w.Metadata.Generation, first.Object!.Status.ObservedGeneration);
        Assert.Equal(w.Metadata.Generation, first.Object.Metadata.Generation); // status writes never bump generation

        // Later, same facts: lastTransitionTime stays, nothing is sent.
        var second = await writer.WriteAsync(first.Object, Ready(Now.AddMinutes(5)), ct);
        Assert.Equal(StatusWriteOutcome.Unchanged, second.Outcome);
        var writes = env.Sandbox.RequestLog.Where(r => r.Identity == "writer").ToList();
        var put = Assert.Single(writes);
        Assert.Equal(("update", "status"), (put.Verb, put.Subresource));
        var stored = await env.GetAsync("default", "a", ct);
        Assert.Equal(Now.UtcDateTime, stored!.Status.Conditions![0].LastTransitionTime);
    }

    [Fact]
    public async Task A_conflict_that_moved_only_metadata_rereads_the_object_and_reapplies_the_change()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var api = env.Connect("writer").Api;
        var stale = await env.CreateAsync(Widget.New("default", "a", 3), ct);

        // The copy in hand is now stale (its PUT gets 409), but its spec is not: the same generation.
        await env.Admin.MergePatchAsync<Widget>(Widget.Descriptor, new ResourceKey("default", "a"), """{"metadata":{"labels":{"touched":"yes"}}}""", ct);
        var result = await new StatusWriter<Widget>(api, Widget.Descriptor).WriteAsync(stale, Ready(Now), ct);

        Assert.Equal(StatusWriteOutcome.Written, result.Outcome);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(3, result.Object!.Status.ObservedSize);
        Assert.Equal(1, result.Object.Status.ObservedGeneration);
        Assert.Equal("yes", result.Object.Metadata.Labels["touched"]);
        Assert.Contains(env.Sandbox.RequestLog, r => r.Identity == "writer" && r.StatusCode == 409);
    }

    [Fact]
    public async Task A_finalizer_holds_deletion_until_removed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var finalizers = new Finalizers<Widget>(env.Connect("controller").Api, Widget.Descriptor);
        var w = await env.CreateAsync(Widget.New("default", "a", 1), ct);
        w = (await finalizers.AddAsync(w, "test.sessionaudit.io/cleanup", ct))!;
        Assert.True(Finalizers<Widget>.Has(w, "test.sessionaudit.io/cleanup"));
        Assert.Same(w, await finalizers.AddAsync(w, "test.sessionaudit.io/cleanup", ct)); // idempotent, no request

        await env.DeleteAsync("default", "a", ct);
        var deleting = await env.GetAsync("default", "a", ct);
        Assert.True(Finalizers<Widget>.IsDeleting(deleting!));

        await finalizers.RemoveAsync(deleting!, "test.sessionaudit.io/cleanup");
        Assert.Null(await env.GetAsync("default", "a", ct));
    }

    [Fact]
    public async Task Identical_events_are_aggregated_and_cluster_scoped_objects_report_in_default()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var api = env.Connect("controller").Api;
        var recorder = new EventRecorder(api, "session-audit", "pod-1");
        var w = await env.CreateAsync(Widget.New("default", "a", 1), ct);
        Assert.True(await recorder.NormalAsync(w, "Reconciled", "all good", ct));
        Assert.True(await recorder.NormalAsync(w, "Reconciled", "all good", ct));
        Assert.True(await recorder.WarningAsync(w, "Failed", "boom", ct));

        var ns = new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = "kube-public", Uid = "u-1" } };
        Assert.True(await recorder.NormalAsync(ns, "Seen", "cluster scoped", ct));

        var events = (await api.SendAsync<Corev1EventList>(HttpMethod.Get, ResourceDescriptor.Event.CollectionPath("default"), null, null, ct)).Items;
        var reconciled = Assert.Single(events, e => e.Reason == "Reconciled");
        Assert.Equal(2, reconciled.Count);
        Assert.Equal("Widget", reconciled.InvolvedObject.Kind);
        Assert.Equal("session-audit", reconciled.Source.Component);
        Assert.Single(events, e => e.Reason == "Failed" && e.Type == "Warning");
        Assert.Single(events, e => e.Reason == "Seen" && e.InvolvedObject.Kind == "Namespace");
    }

    [Fact]
    public async Task The_spam_filter_drops_events_beyond_the_burst()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        var recorder = new EventRecorder(env.Connect("controller").Api, "session-audit", "pod-1");
        var w = await env.CreateAsync(Widget.New("default", "a", 1), ct);
        var sent = 0;
        for (var i = 0; i < 30; i++)
        {
            if (await recorder.NormalAsync(w, "Tick", $"tick {i}", ct)) sent++;
        }

        Assert.Equal(25, sent);
        Assert.Equal(25, env.Sandbox.RequestLog.Count(r => r.Identity == "controller" && r.Resource == "events"));
    }
}
