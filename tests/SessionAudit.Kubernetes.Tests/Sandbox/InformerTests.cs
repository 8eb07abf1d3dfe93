using System.Collections.Concurrent;
using System.Globalization;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Resources;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

public sealed class InformerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Lists_in_pages_then_watches_from_the_list_resource_version_with_bookmarks_and_a_random_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        for (var i = 0; i < 7; i++) await env.CreateAsync(Widget.New("default", $"w{i}", i), ct);

        var cache = new ResourceCache<Widget>();
        var handler = new RecordingHandler();
        var informer = new Informer<Widget>(env.Connect("informer").Api, Widget.Descriptor, cache, new InformerOptions { PageSize = 3 }, handler);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = informer.RunAsync(stop.Token);
        await cache.WaitForSyncAsync(ct).WaitAsync(Deadline, ct);
        Assert.Equal(7, cache.Count);

        await env.CreateAsync(Widget.New("default", "late", 1), ct);
        await env.ResizeAsync("default", "w1", 42, ct);
        await env.DeleteAsync("default", "w2", ct);
        await Eventually.TrueAsync(() => cache.Get(new ResourceKey("default", "late")) is not null && cache.Get(new ResourceKey("default", "w1"))?.Spec.Size == 42 && cache.Get(new ResourceKey("default", "w2")) is null
            // The store is updated before the handler is told (as client-go's informer does): wait for both.
            && handler.Deleted.Contains("default/w2"), Deadline, "watch events applied and the deletion handled", ct);

        var log = env.Sandbox.RequestLog.Where(r => r.Identity == "informer").ToList();
        var lists = log.Where(r => r.Verb == "list").ToList();
        Assert.Equal(3, lists.Count); // 7 objects in pages of 3
        Assert.All(lists.Skip(1), l => Assert.Contains("continue=", l.Path, StringComparison.Ordinal));
        var watch = Assert.Single(log, r => r.Verb == "watch");
        Assert.Contains("allowWatchBookmarks=true", watch.Path, StringComparison.Ordinal);
        var timeout = int.Parse(watch.Path.Split("timeoutSeconds=")[1].Split('&')[0], CultureInfo.InvariantCulture);
        Assert.InRange(timeout, 300, 600);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task An_index_answers_with_the_objects_cached_now_as_they_are_created_changed_and_deleted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        for (var i = 0; i < 6; i++) await env.CreateAsync(Widget.New("default", $"w{i}", i % 2), ct);

        string[] Names(IReadOnlyList<Widget> found) => [.. found.Select(w => w.Metadata.Name).Order(StringComparer.Ordinal)];
        var cache = new ResourceCache<Widget>(
        [
            new("size", w => [$"{w.Spec.Size}"]),
            // A broken index function leaves its object unindexed; the cache and the other index carry on.
            new("broken", w => w.Spec.Size == 7 ? throw new InvalidOperationException("bug") : ["any"]),
        ]);
        var informer = new Informer<Widget>(env.Connect("informer").Api, Widget.Descriptor, cache, new InformerOptions { PageSize = 4 });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = informer.RunAsync(stop.Token);
        await cache.WaitForSyncAsync(ct).WaitAsync(Deadline, ct);
        Assert.Equal(["w0", "w2", "w4"], Names(cache.ByIndex("size", "0")));
        Assert.Equal(["w1", "w3", "w5"], Names(cache.ByIndex("size", "1")));
        Assert.Empty(cache.ByIndex("size", "2"));

        // A change moves an object between values; a deletion takes it out; the broken function's object stays cached.
        await env.ResizeAsync("default", "w1", 0, ct);
        await env.DeleteAsync("default", "w2", ct);
        await env.CreateAsync(Widget.New("default", "odd", 7), ct);
        await Eventually.TrueAsync(() => cache.Get(new ResourceKey("default", "odd")) is not null && cache.Get(new ResourceKey("default", "w2")) is null
            && cache.Get(new ResourceKey("default", "w1"))?.Spec.Size == 0, Deadline, "watch events applied", ct);
        Assert.Equal(["w0", "w1", "w4"], Names(cache.ByIndex("size", "0")));
        Assert.Equal(["w3", "w5"], Names(cache.ByIndex("size", "1")));
        Assert.Equal(["odd"], Names(cache.ByIndex("size", "7")));
        Assert.Equal(["w0", "w1", "w3", "w4", "w5"], Names(cache.ByIndex("broken", "any")));
        Assert.Same(cache.Get(new ResourceKey("default", "w1")), Assert.Single(cache.ByIndex("size", "0"), w => w.Metadata.Name == "w1"));

        // A relist (the watch's resource version expired) that finds an object gone removes it from the index too.
        var listsBefore = await ExpireTheWatchAsync(env, ct);
        await env.DeleteAsync("default", "w3", ct);
        await Eventually.TrueAsync(() => cache.Get(new ResourceKey("default", "w3")) is null, Deadline, "w3 gone", ct);
        Assert.True(env.Sandbox.RequestLog.Count(r => r.Identity == "informer" && r.Verb == "list") > listsBefore, "relisted after 410");
        Assert.Equal(["w5"], Names(cache.ByIndex("size", "1")));
        Assert.Throws<ArgumentException>(() => cache.ByIndex("colour", "red"));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Relists_when_the_resource_version_expired_and_reconnects_after_dropped_watches()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await SandboxEnv.StartAsync(ct);
        await env.CreateAsync(Widget.New("default", "a", 1), ct);
        var cache = new ResourceCache<Widget>();
        var informer = new Informer<Widget>(env.Connect("informer").Api, Widget.Descriptor, cache, new InformerOptions { BackoffInitial = TimeSpan.FromMilliseconds(50) });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = informer.RunAsync(stop.Token);
        await cache.WaitForSyncAsync(ct).WaitAsync(Deadline, ct);

        // Dropped watch: re-opened from the last resourceVersion, no relist.
        env.Sandbox.Faults.DropAllWatches();
        await env.CreateAsync(Widget.New("default", "b", 1), ct);
        await Eventually.TrueAsync(() => cache.Count == 2, Deadline, "b seen after the drop", ct);

        // Expired: a deletion made while not watching must still be seen, through a relist.
        var listsBefore = await ExpireTheWatchAsync(env, ct);
        await env.DeleteAsync("default", "a", ct);
        await env.CreateAsync(Widget.New("default", "c", 1), ct);
        await Eventually.TrueAsync(() => cache.Get(new ResourceKey("default", "a")) is null && cache.Get(new ResourceKey("default", "c")) is not null, Deadline, "relisted state", ct);
        Assert.True(env.Sandbox.RequestLog.Count(r => r.Identity == "informer" && r.Verb == "list") > listsBefore, "relisted after 410");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    // Leaves the informer's watch behind a compacted revision and drops it, so its next watch gets 410 and it relists.
    // Returns the informer's list count before.
    private static async Task<int> ExpireTheWatchAsync(SandboxEnv env, CancellationToken ct)
    {
        await Eventually.TrueAsync(() => env.Sandbox.OpenWatches > 0, Deadline, "watch open", ct);
        var listsBefore = env.Sandbox.RequestLog.Count(r => r.Identity == "informer" && r.Verb == "list");
        // A write elsewhere moves the store's revision past the informer's, so compaction leaves it behind.
        await env.Admin.CreateAsync(new ResourceDescriptor("", "v1", "configmaps", "ConfigMap", true), "default", new k8s.Models.V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new() { Name = "bump" } }, ct);
        env.Sandbox.Faults.ExpireResourceVersions();
        env.Sandbox.Faults.DropAllWatches();
        return listsBefore;
    }

    private sealed class RecordingHandler : IInformerHandler<Widget>
    {
        public ConcurrentBag<string> Deleted { get; } = [];

        public void OnAdd(Widget obj)
        {
        }

        public void OnUpdate(Widget oldObj, Widget newObj)
        {
        }

        public void OnDelete(Widget obj) => Deleted.Add(ResourceKey.Of(obj).ToString());
    }
}
