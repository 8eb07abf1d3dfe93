using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Api;

/// <summary>Faults switched at run time and the request log.</summary>
public sealed class FaultAndLogTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private static Task<HttpResponseMessage> CreateAsync(HttpClient http, string name) =>
        http.PostAsync(ConfigMaps, new StringContent($$$"""{"metadata":{"name":"{{{name}}}"}}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    [Fact]
    public async Task DropAllWatchesEndsEveryOpenStream()
    {
        await using var s = await SandboxScope.StartAsync();
        await using var one = await WatchStream.OpenAsync(s.Http, ConfigMaps + "?watch=true");
        await using var two = await WatchStream.OpenAsync(s.Http, "/api/v1/namespaces?watch=true");
        await Eventually.TrueAsync(() => s.Sandbox.OpenWatches == 2, TimeSpan.FromSeconds(10), "two watches", TestContext.Current.CancellationToken);

        s.Sandbox.Faults.DropAllWatches();

        await Eventually.TrueAsync(() => one.Ended && two.Ended, TimeSpan.FromSeconds(10), "both watches to end", TestContext.Current.CancellationToken);
        Assert.Equal(0, s.Sandbox.OpenWatches);
    }

    [Fact]
    public async Task WriteFaultsAnswerConflictOrInternalErrorWithoutStoring()
    {
        await using var s = await SandboxScope.StartAsync(new KubernetesSandboxOptions { RandomSeed = 7 });

        s.Sandbox.Faults.WriteConflictShare = 1;
        using var conflict = await CreateAsync(s.Http, "a");
        s.Sandbox.Faults.WriteConflictShare = 0;
        s.Sandbox.Faults.WriteErrorShare = 1;
        using var error = await CreateAsync(s.Http, "a");
        var readsStillWork = await s.Http.GetAsync(ConfigMaps, TestContext.Current.CancellationToken);
        s.Sandbox.Faults.Reset();
        using var ok = await CreateAsync(s.Http, "a");

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("\"reason\":\"InternalError\"", await error.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, readsStillWork.StatusCode);
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    [Fact]
    public async Task AShareOfWritesFailsRoughlyAsConfigured()
    {
        await using var s = await SandboxScope.StartAsync(new KubernetesSandboxOptions { RandomSeed = 42 });
        s.Sandbox.Faults.WriteErrorShare = 0.5;

        var failures = 0;
        for (var i = 0; i < 100; i++)
        {
            using var r = await CreateAsync(s.Http, $"cm-{i}");
            failures += r.StatusCode == HttpStatusCode.InternalServerError ? 1 : 0;
        }

        Assert.InRange(failures, 30, 70);
    }

    [Fact]
    public async Task LatencyDelaysRequestsByTheSandboxClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var s = await SandboxScope.StartAsync(new KubernetesSandboxOptions { Time = time });
        s.Sandbox.Faults.Latency = TimeSpan.FromSeconds(5);

        var pending = s.Http.GetAsync(ConfigMaps, TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => s.Sandbox.RequestsInFlight == 1, TimeSpan.FromSeconds(10), "the request to arrive", TestContext.Current.CancellationToken);
        var heldBeforeAdvance = !pending.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(5));
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(heldBeforeAdvance);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RequestLogNamesVerbResourceAndTheIdentityOfEachToken()
    {
        await using var s = await SandboxScope.StartAsync(new KubernetesSandboxOptions { AnonymousIdentity = null });
        using var asOperator = s.Sandbox.CreateHttpClient("system:serviceaccount:ops:operator");
        asOperator.DefaultRequestHeaders.UserAgent.ParseAdd("session-audit/1.0");
        using var stranger = s.Sandbox.CreateHttpClient("stranger");
        stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "nope");

        (await CreateAsync(s.Http, "a")).Dispose();
        using var got = await asOperator.GetAsync(ConfigMaps + "/a", TestContext.Current.CancellationToken);
        using var denied = await stranger.GetAsync(ConfigMaps, TestContext.Current.CancellationToken);
        (await s.Kubectl.RunAsync("get", "configmaps")).Succeeded();
        var log = s.Sandbox.RequestLog;

        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Contains(log, r => r is { Verb: "create", Resource: "configmaps", Namespace: "default", Identity: "admin", StatusCode: 201 });
        Assert.Contains(log, r => r is { Verb: "get", Resource: "configmaps", Name: "a", Identity: "system:serviceaccount:ops:operator", UserAgent: "session-audit/1.0", StatusCode: 200 });
        Assert.Contains(log, r => r is { Verb: "list", Resource: "configmaps", Identity: "admin" } && r.UserAgent.StartsWith("kubectl/", StringComparison.Ordinal));
        Assert.Contains(log, r => r is { StatusCode: 401, Identity: "" });
    }
}
