using System.Collections.Concurrent;
using System.Text.Json;

namespace SessionAudit.Bench.World;

/// <summary>
/// Watches every SessionLoggingPolicy as `kubectl get -w` would and notes, per policy and generation, the first moment
/// it was Ready at that generation; also counts status updates (each reconcile writes lastSyncTime).
/// </summary>
public sealed class PolicyWatch : IAsyncDisposable
{
    private readonly BenchWorld world;
    private readonly BenchClock clock;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<(string Name, long Generation), double> readyAt = new();
    private readonly ConcurrentDictionary<string, PolicySeen> latest = new();
    private readonly ConcurrentDictionary<string, int> statusUpdates = new();
    private Task? loop;
    private int readyCount;

    public PolicyWatch(BenchWorld world, BenchClock clock)
    {
        this.world = world;
        this.clock = clock;
    }

    /// <summary>Policies seen Ready at least once at some generation.</summary>
    public int ReadyCount => Volatile.Read(ref readyCount);

    public IReadOnlyDictionary<string, PolicySeen> Latest => latest;

    public double? ReadyAt(string name, long generation) => readyAt.TryGetValue((name, generation), out var t) ? t : null;

    public int StatusUpdates(string name) => statusUpdates.TryGetValue(name, out var n) ? n : 0;

    public int TotalStatusUpdates => statusUpdates.Values.Sum();

    public void ResetStatusUpdates() => statusUpdates.Clear();

    /// <summary>Lists once for the starting resourceVersion, then watches in the background.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        using var list = await world.Http.GetAsync(world.CollectionPath + "?limit=1", ct);
        list.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await list.Content.ReadAsStringAsync(ct));
        var rv = doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
        loop = Task.Run(() => RunAsync(rv, stop.Token), CancellationToken.None);
    }

    private async Task RunAsync(string rv, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{world.CollectionPath}?watch=true&allowWatchBookmarks=true&resourceVersion={rv}&timeoutSeconds=3600");
                using var response = await world.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (line.Length > 0)
                    {
                        rv = Handle(line) ?? rv;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    private string? Handle(string line)
    {
        var now = clock.Now;
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var type = root.GetProperty("type").GetString();
        var obj = root.GetProperty("object");
        var meta = obj.GetProperty("metadata");
        var rv = meta.TryGetProperty("resourceVersion", out var r) ? r.GetString() : null;
        if (type is not ("ADDED" or "MODIFIED"))
        {
            if (type == "DELETED")
            {
                latest.TryRemove(meta.GetProperty("name").GetString()!, out _);
            }

            return rv;
        }

        var name = meta.GetProperty("name").GetString()!;
        var generation = meta.TryGetProperty("generation", out var g) ? g.GetInt64() : 1;
        string? readyStatus = null, readyReason = null, lastSync = null;
        long observed = 0;
        if (obj.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object)
        {
            observed = status.TryGetProperty("observedGeneration", out var og) && og.ValueKind == JsonValueKind.Number ? og.GetInt64() : 0;
            lastSync = status.TryGetProperty("lastSyncTime", out var ls) ? ls.ToString() : null;
            if (status.TryGetProperty("conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Array)
            {
                foreach (var c in conditions.EnumerateArray())
                {
                    if (c.TryGetProperty("type", out var t) && t.GetString() == "Ready")
                    {
                        readyStatus = c.TryGetProperty("status", out var s) ? s.GetString() : null;
                        readyReason = c.TryGetProperty("reason", out var rr) ? rr.GetString() : null;
                    }
                }
            }
        }

        var previous = latest.TryGetValue(name, out var p) ? p : null;
        var seen = new PolicySeen(generation, observed, readyStatus, readyReason, lastSync);
        latest[name] = seen;
        if (lastSync is not null && lastSync != previous?.LastSyncTime)
        {
            statusUpdates.AddOrUpdate(name, 1, (_, n) => n + 1);
        }

        if (readyStatus == "True" && observed == generation && readyAt.TryAdd((name, generation), now) && generation == 1)
        {
            Interlocked.Increment(ref readyCount);
        }

        return rv;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (loop is not null)
        {
            await loop;
        }

        stop.Dispose();
    }
}

/// <summary>What the watch last saw of one policy.</summary>
public sealed record PolicySeen(long Generation, long ObservedGeneration, string? Ready, string? ReadyReason, string? LastSyncTime);
