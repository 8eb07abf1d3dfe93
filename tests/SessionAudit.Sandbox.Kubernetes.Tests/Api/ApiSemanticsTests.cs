using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Api;

/// <summary>API server semantics over HTTP: versions, generation, watch, pagination, selectors, garbage collection.</summary>
public sealed class ApiSemanticsTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private static StringContent JsonBody(string json, string contentType = "application/json") => new(json, Encoding.UTF8, contentType);

    private static async Task<JsonObject> SendAsync(HttpClient http, HttpMethod method, string url, string? body = null, string contentType = "application/json", HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonBody(body, contentType) };
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"{method} {url}: expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static Task<JsonObject> CreateConfigMapAsync(HttpClient http, string name, string labels = "{}") =>
        SendAsync(http, HttpMethod.Post, ConfigMaps, $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","labels":{{{labels}}}},"data":{"k":"v"}}""", expected: HttpStatusCode.Created);

    private static string Rv(JsonObject o) => o["metadata"]!["resourceVersion"]!.GetValue<string>();

    [Fact]
    public async Task ObjectsGetUidCreationTimestampAndIncreasingResourceVersions()
    {
        await using var s = await SandboxScope.StartAsync();

        var a = await CreateConfigMapAsync(s.Http, "a");
        var b = await CreateConfigMapAsync(s.Http, "b");
        var updated = await SendAsync(s.Http, HttpMethod.Patch, ConfigMaps + "/a", """{"data":{"k":"w"}}""", "application/merge-patch+json");
        var duplicate = await SendAsync(s.Http, HttpMethod.Post, ConfigMaps, """{"metadata":{"name":"a"}}""", expected: HttpStatusCode.Conflict);

        Assert.True(long.Parse(Rv(a)) < long.Parse(Rv(b)) && long.Parse(Rv(b)) < long.Parse(Rv(updated)));
        Assert.True(Guid.TryParse(a["metadata"]!["uid"]!.GetValue<string>(), out _));
        Assert.EndsWith("Z", a["metadata"]!["creationTimestamp"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("AlreadyExists", duplicate["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task AWriteThatChangesNothingKeepsTheResourceVersion()
    {
        await using var s = await SandboxScope.StartAsync();
        var a = await CreateConfigMapAsync(s.Http, "a");

        var same = await SendAsync(s.Http, HttpMethod.Patch, ConfigMaps + "/a", """{"data":{"k":"v"}}""", "application/merge-patch+json");

        Assert.Equal(Rv(a), Rv(same));
    }

    [Fact]
    public async Task GenerationCountsSpecChangesOnly()
    {
        await using var s = await SandboxScope.StartAsync();
        const string url = "/apis/apps/v1/namespaces/default/deployments";
        await SendAsync(s.Http, HttpMethod.Post, url, """{"metadata":{"name":"d"},"spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""", expected: HttpStatusCode.Created);

        await SendAsync(s.Http, HttpMethod.Patch, url + "/d", """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");
        await SendAsync(s.Http, HttpMethod.Patch, url + "/d/status", """{"status":{"replicas":1}}""", "application/merge-patch+json");
        var afterMeta = await SendAsync(s.Http, HttpMethod.Get, url + "/d");
        var afterSpec = await SendAsync(s.Http, HttpMethod.Patch, url + "/d", """{"spec":{"replicas":3}}""", "application/strategic-merge-patch+json");

        Assert.Equal(1, afterMeta["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(1, afterMeta["status"]!["replicas"]!.GetValue<long>());
        Assert.Equal(2, afterSpec["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task WatchFromAnExpiredVersionAnswersExpiredStatusEvent()
    {
        await using var s = await SandboxScope.StartAsync();
        var a = await CreateConfigMapAsync(s.Http, "a");
        s.Sandbox.Faults.ExpireResourceVersions();

        await using var watch = await WatchStream.OpenAsync(s.Http, $"{ConfigMaps}?watch=true&resourceVersion={Rv(a)}&allowWatchBookmarks=true");
        await Eventually.TrueAsync(() => watch.Ended, TimeSpan.FromSeconds(10), "the expired watch to end", TestContext.Current.CancellationToken);
        var relist = await SendAsync(s.Http, HttpMethod.Get, ConfigMaps);
        await using var resumed = await WatchStream.OpenAsync(s.Http, $"{ConfigMaps}?watch=true&resourceVersion={Rv(relist)}");
        await CreateConfigMapAsync(s.Http, "b");
        await Eventually.TrueAsync(() => resumed.Events.Count == 1, TimeSpan.FromSeconds(10), "the relisted watch to see a change", TestContext.Current.CancellationToken);

        var error = Assert.Single(watch.Events);
        Assert.Equal("ERROR", error["type"]!.GetValue<string>());
        Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", error["object"]!["reason"]!.GetValue<string>());
        Assert.Equal("Status", error["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task WatchFromAListVersionSeesLaterChangesOnlyAndBookmarksWhenAsked()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var s = await SandboxScope.StartAsync(new KubernetesSandboxOptions { Time = time, BookmarkInterval = TimeSpan.FromSeconds(10) });
        await CreateConfigMapAsync(s.Http, "before");
        var list = await SendAsync(s.Http, HttpMethod.Get, ConfigMaps);

        await using var watch = await WatchStream.OpenAsync(s.Http, $"{ConfigMaps}?watch=1&resourceVersion={Rv(list)}&allowWatchBookmarks=true&timeoutSeconds=300");
        await Eventually.TrueAsync(() => s.Sandbox.OpenWatches == 1, TimeSpan.FromSeconds(10), "the watch to open", TestContext.Current.CancellationToken);
        var after = await CreateConfigMapAsync(s.Http, "after");
        time.Advance(TimeSpan.FromSeconds(11));
        await Eventually.TrueAsync(() => watch.Events.Count >= 2, TimeSpan.FromSeconds(10), "an event and a bookmark", TestContext.Current.CancellationToken);

        var events = watch.Events.ToList();
        Assert.Equal(["ADDED", "BOOKMARK"], events.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal("after", events[0]["object"]!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(Rv(after), events[1]["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task WatchEndsAfterTimeoutSeconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var s = await SandboxScope.StartAsync(new KubernetesSandboxOptions { Time = time });
        await using var watch = await WatchStream.OpenAsync(s.Http, $"{ConfigMaps}?watch=true&timeoutSeconds=30");
        await Eventually.TrueAsync(() => s.Sandbox.OpenWatches == 1, TimeSpan.FromSeconds(10), "the watch to open", TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromSeconds(29));
        var stillOpen = !watch.Ended;
        time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => watch.Ended, TimeSpan.FromSeconds(10), "the watch to end", TestContext.Current.CancellationToken);

        Assert.True(stillOpen);
        Assert.Equal(0, s.Sandbox.OpenWatches);
    }

    [Fact]
    public async Task ListPaginatesWithContinueTokensThatExpire()
    {
        await using var s = await SandboxScope.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await CreateConfigMapAsync(s.Http, $"cm-{i}");
        }

        var names = new List<string>();
        var first = await SendAsync(s.Http, HttpMethod.Get, ConfigMaps + "?limit=2");
        var token = first["metadata"]!["continue"]!.GetValue<string>();
        names.AddRange(first["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        var next = token;
        while (next is not null)
        {
            var page = await SendAsync(s.Http, HttpMethod.Get, $"{ConfigMaps}?limit=2&continue={next}");
            names.AddRange(page["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
            next = page["metadata"]!["continue"]?.GetValue<string>();
        }

        s.Sandbox.Faults.ExpireResourceVersions();
        var relist = await SendAsync(s.Http, HttpMethod.Get, ConfigMaps + "?limit=2");
        var expired = await SendAsync(s.Http, HttpMethod.Get, $"{ConfigMaps}?limit=2&continue={token}", expected: HttpStatusCode.Gone);

        Assert.Equal(["cm-0", "cm-1", "cm-2", "cm-3", "cm-4"], names);
        Assert.Equal("Expired", expired["reason"]!.GetValue<string>());
        Assert.Equal(2, relist["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task LabelAndFieldSelectorsFilterListsAndUnsupportedFieldsAreRejected()
    {
        await using var s = await SandboxScope.StartAsync();
        await CreateConfigMapAsync(s.Http, "a", """{"app":"web","tier":"front"}""");
        await CreateConfigMapAsync(s.Http, "b", """{"app":"web","tier":"back"}""");
        await CreateConfigMapAsync(s.Http, "c", """{"app":"db"}""");

        static IEnumerable<string> Names(JsonObject list) => list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>());
        var web = await SendAsync(s.Http, HttpMethod.Get, ConfigMaps + "?labelSelector=app%3Dweb");
        var notFront = await SendAsync(s.Http, HttpMethod.Get, ConfigMaps + "?labelSelector=" + Uri.EscapeDataString("app in (web,db),tier!=front"));
        var noTier = await SendAsync(s.Http, HttpMethod.Get, ConfigMaps + "?labelSelector=" + Uri.EscapeDataString("!tier"));
        var byName = await SendAsync(s.Http, HttpMethod.Get, "/api/v1/configmaps?fieldSelector=" + Uri.EscapeDataString("metadata.name=b,metadata.namespace=default"));
        var bad = await SendAsync(s.Http, HttpMethod.Get, ConfigMaps + "?fieldSelector=data.k%3Dv", expected: HttpStatusCode.BadRequest);

        Assert.Equal(["a", "b"], Names(web));
        Assert.Equal(["b", "c"], Names(notFront));
        Assert.Equal(["c"], Names(noTier));
        Assert.Equal(["b"], Names(byName));
        Assert.Contains("field label not supported", bad["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonPatchAndStrategicMergePatchFollowTheirRules()
    {
        await using var s = await SandboxScope.StartAsync();
        const string url = "/apis/apps/v1/namespaces/default/deployments";
        await SendAsync(s.Http, HttpMethod.Post, url, """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"one","image":"i1"},{"name":"two","image":"i2"}]}}}}""", expected: HttpStatusCode.Created);

        var smp = await SendAsync(s.Http, HttpMethod.Patch, url + "/d", """{"spec":{"template":{"spec":{"containers":[{"name":"two","image":"i2b"},{"name":"one","$patch":"delete"}]}}}}""", "application/strategic-merge-patch+json");
        var jp = await SendAsync(s.Http, HttpMethod.Patch, url + "/d", """[{"op":"test","path":"/spec/replicas","value":1},{"op":"replace","path":"/spec/replicas","value":2}]""", "application/json-patch+json");
        var failedTest = await SendAsync(s.Http, HttpMethod.Patch, url + "/d", """[{"op":"test","path":"/spec/replicas","value":7}]""", "application/json-patch+json", HttpStatusCode.UnprocessableEntity);

        var containers = smp["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal("two", Assert.Single(containers)!["name"]!.GetValue<string>());
        Assert.Equal("i2b", containers[0]!["image"]!.GetValue<string>());
        Assert.Equal(2, jp["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("Invalid", failedTest["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeletingAnOwnerCollectsItsDependentsAndDeletingANamespaceEmptiesIt()
    {
        await using var s = await SandboxScope.StartAsync();
        await SendAsync(s.Http, HttpMethod.Post, "/api/v1/namespaces", """{"metadata":{"name":"team"}}""", expected: HttpStatusCode.Created);
        var owner = await SendAsync(s.Http, HttpMethod.Post, "/api/v1/namespaces/team/configmaps", """{"metadata":{"name":"owner"}}""", expected: HttpStatusCode.Created);
        var uid = owner["metadata"]!["uid"]!.GetValue<string>();
        await SendAsync(s.Http, HttpMethod.Post, "/api/v1/namespaces/team/secrets", $$$"""{"metadata":{"name":"owned","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"{{{uid}}}"}]},"stringData":{"a":"b"}}""", expected: HttpStatusCode.Created);
        await SendAsync(s.Http, HttpMethod.Post, "/api/v1/namespaces/team/configmaps", """{"metadata":{"name":"other"}}""", expected: HttpStatusCode.Created);
        var secret = await SendAsync(s.Http, HttpMethod.Get, "/api/v1/namespaces/team/secrets/owned");

        await SendAsync(s.Http, HttpMethod.Delete, "/api/v1/namespaces/team/configmaps/owner");
        await SendAsync(s.Http, HttpMethod.Get, "/api/v1/namespaces/team/secrets/owned", expected: HttpStatusCode.NotFound);
        await SendAsync(s.Http, HttpMethod.Delete, "/api/v1/namespaces/team");
        await SendAsync(s.Http, HttpMethod.Get, "/api/v1/namespaces/team/configmaps/other", expected: HttpStatusCode.NotFound);
        var missingNs = await SendAsync(s.Http, HttpMethod.Post, "/api/v1/namespaces/team/configmaps", """{"metadata":{"name":"x"}}""", expected: HttpStatusCode.NotFound);

        Assert.Equal("Yg==", secret["data"]!["a"]!.GetValue<string>());
        Assert.Equal("namespaces \"team\" not found", missingNs["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendInitialEventsEndsWithTheInitialEventsBookmark()
    {
        await using var s = await SandboxScope.StartAsync();
        await CreateConfigMapAsync(s.Http, "a");

        await using var watch = await WatchStream.OpenAsync(s.Http, $"{ConfigMaps}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        await Eventually.TrueAsync(() => watch.Events.Count >= 2, TimeSpan.FromSeconds(10), "initial events", TestContext.Current.CancellationToken);

        var bookmark = watch.Events.ElementAt(1);
        Assert.Equal("ADDED", watch.Events.First()["type"]!.GetValue<string>());
        Assert.Equal("true", bookmark["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());
    }
}
