using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Serialization;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Store;

/// <summary>The store's history, watch replay, selector transitions and pagination.</summary>
public sealed class ResourceStoreTests
{
    private static StoredObject Obj(long rv, string name, string? app = null)
    {
        var o = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["uid"] = name + "-uid" } };
        if (app is not null)
        {
            o["metadata"]!["labels"] = new JsonObject { ["app"] = app };
        }

        return Json.Freeze(o, rv);
    }

    private static List<WatchItem> Drain(Watcher w)
    {
        var items = new List<WatchItem>();
        while (w.Items.TryRead(out var i))
        {
            items.Add(i);
        }

        return items;
    }

    [Fact]
    public void WatchFromAVersionOlderThanTheHistoryIsRefused()
    {
        var store = new ResourceStore(new ResourceVersionClock(), historyCapacity: 3);
        var first = store.Create("default/a", rv => Obj(rv, "a"))!;
        for (var i = 0; i < 5; i++)
        {
            var cur = store.Get("default/a")!;
            store.Replace("default/a", cur.ResourceVersion, rv => Obj(rv, "a"));
        }

        using var w = new Watcher(_ => true, CancellationToken.None);
        var recent = store.Get("default/a")!.ResourceVersion - 2;
        using var w2 = new Watcher(_ => true, CancellationToken.None);

        Assert.Null(store.Watch(w, first.ResourceVersion, false));
        Assert.True(store.IsExpired(first.ResourceVersion));
        Assert.Equal(2, store.Watch(w2, recent, false)!.Count);
    }

    [Fact]
    public void WatchFromAVersionReplaysLaterEventsInOrderThenStreams()
    {
        var store = new ResourceStore(new ResourceVersionClock(), historyCapacity: 100);
        var a = store.Create("default/a", rv => Obj(rv, "a"))!;
        var b = store.Create("default/b", rv => Obj(rv, "b"))!;
        store.Remove("default/a", a.ResourceVersion, (rv, _) => Obj(rv, "a"));
        using var w = new Watcher(_ => true, CancellationToken.None);

        var replay = store.Watch(w, a.ResourceVersion, false)!;
        store.Create("default/c", rv => Obj(rv, "c"));
        var live = Drain(w);

        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], replay.Select(i => i.Type));
        Assert.Equal(["b", "a"], replay.Select(i => i.Object!.Name));
        Assert.True(replay[0].Object!.ResourceVersion == b.ResourceVersion && replay[1].Object!.ResourceVersion > b.ResourceVersion);
        Assert.Equal("c", Assert.Single(live).Object!.Name);
    }

    [Fact]
    public void WatchWithoutAVersionStartsWithEveryMatchingObject()
    {
        var store = new ResourceStore(new ResourceVersionClock(), historyCapacity: 10);
        store.Create("default/a", rv => Obj(rv, "a", "x"));
        store.Create("default/b", rv => Obj(rv, "b", "y"));
        using var w = new Watcher(o => o.Label("app") == "x", CancellationToken.None);

        var initial = store.Watch(w, null, initialEventsEnd: true)!;

        Assert.Equal(WatchEventType.Added, initial[0].Type);
        Assert.Equal("a", initial[0].Object!.Name);
        Assert.True(initial[1].Type == WatchEventType.Bookmark && initial[1].InitialEventsEnd);
        Assert.Equal(2, initial.Count);
    }

    [Fact]
    public void ObjectsEnteringOrLeavingASelectorAreAddedOrDeletedForThatWatcher()
    {
        var store = new ResourceStore(new ResourceVersionClock(), historyCapacity: 10);
        var a = store.Create("default/a", rv => Obj(rv, "a", "x"))!;
        using var w = new Watcher(o => o.Label("app") == "y", CancellationToken.None);
        store.Watch(w, null, false);

        var moved = store.Replace("default/a", a.ResourceVersion, rv => Obj(rv, "a", "y"))!;
        store.Replace("default/a", moved.ResourceVersion, rv => Obj(rv, "a", "z"));

        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], Drain(w).Select(i => i.Type));
    }

    [Fact]
    public void BookmarksCarryTheCurrentVersion()
    {
        var store = new ResourceStore(new ResourceVersionClock(), historyCapacity: 10);
        using var w = new Watcher(_ => true, CancellationToken.None);
        store.Watch(w, null, false);
        var created = store.Create("default/a", rv => Obj(rv, "a"))!;

        store.Bookmark(w);
        var items = Drain(w);

        Assert.Equal(WatchEventType.Bookmark, items[^1].Type);
        Assert.Equal(created.ResourceVersion, items[^1].BookmarkVersion);
    }

    [Fact]
    public void PagesCoverEveryObjectOnceInKeyOrder()
    {
        var store = new ResourceStore(new ResourceVersionClock(), historyCapacity: 10);
        var names = Enumerable.Range(0, 25).Select(i => $"obj-{i:D3}").ToList();
        foreach (var n in names.OrderBy(_ => Guid.NewGuid()))
        {
            store.Create("default/" + n, rv => Obj(rv, n));
        }

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = store.List(_ => true, after, 10);
            seen.AddRange(page.Items.Select(o => o.Name));
            after = page.ContinueAfter;
            pages++;
        }
        while (after is not null);

        Assert.Equal(names, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public void ListsOfANamespaceSkipOtherNamespaces()
    {
        var store = new ResourceStore(new ResourceVersionClock(), historyCapacity: 10);
        foreach (var ns in new[] { "a", "b", "c" })
        {
            var o = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "x", ["namespace"] = ns } };
            store.Create(ns + "/x", rv => Json.Freeze(o, rv));
        }

        var page = store.List(o => o.Namespace == "b", null, 0, "b/");

        Assert.Equal("b", Assert.Single(page.Items).Namespace);
    }
}
