using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Registry;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Storage;

namespace SessionAudit.Sandbox.Kubernetes;

/// <summary>A local Kubernetes API server (Kestrel, plain HTTP, bearer tokens) that kubectl and client libraries accept.</summary>
public sealed class KubernetesSandbox : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ResourceRegistry _registry;
    private readonly RequestLog _log;
    private readonly ConcurrentDictionary<string, string> _tokens;

    private readonly SandboxCertificates? _certificates;

    private KubernetesSandbox(WebApplication app, ResourceRegistry registry, RequestLog log, ConcurrentDictionary<string, string> tokens, KubernetesFaults faults, SandboxCertificates? certificates)
    {
        _certificates = certificates;
        _app = app;
        _registry = registry;
        _log = log;
        _tokens = tokens;
        Faults = faults;
    }

    /// <summary>Base address, e.g. http://127.0.0.1:41234.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Faults to switch on while clients run.</summary>
    public KubernetesFaults Faults { get; }

    /// <summary>Snapshot of the requests answered so far, oldest first.</summary>
    public IReadOnlyList<KubernetesRequestRecord> RequestLog => _log.Snapshot();

    /// <summary>Forgets the request log (between phases of a test).</summary>
    public void ClearRequestLog() => _log.Clear();

    /// <summary>The bearer tokens accepted and the identity each authenticates.</summary>
    public IReadOnlyDictionary<string, string> Tokens => _tokens;

    /// <summary>The current resourceVersion of the whole store (etcd's revision).</summary>
    public long ResourceVersion => _registry.All.First().Store.Clock.Current;

    /// <summary>Objects stored for a resource (e.g. group "example.com", plural "widgets"); 0 when it is not served.</summary>
    public int CountObjects(string group, string plural) => _registry.Find(group, plural)?.Store.Count ?? 0;

    /// <summary>Requests being served right now (open watches included).</summary>
    public int RequestsInFlight => _handler?.InFlight ?? 0;

    private ApiHandler? _handler;

    /// <summary>Number of watch streams open right now.</summary>
    public int OpenWatches => _registry.All.Sum(r => r.Store.WatcherCount);

    public static async Task<KubernetesSandbox> StartAsync(KubernetesSandboxOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = new ResourceVersionClock();
        var registry = new ResourceRegistry(clock, options.WatchHistory);
        var random = options.RandomSeed is { } seed ? new Random(seed) : new Random();
        var service = new ResourceService(registry, options.Time, random);
        var tokens = new ConcurrentDictionary<string, string>(options.Tokens, StringComparer.Ordinal);
        var log = new RequestLog(options.RequestLogCapacity);
        var faults = new KubernetesFaults(
            ending =>
            {
                foreach (var r in registry.All)
                {
                    r.Store.DropWatches(ending);
                }
            },
            () =>
            {
                // A fresh revision that nothing carries yet: every version issued so far is now too old,
                // while a relist hands out this one, which stays valid (as after an etcd compaction).
                var compactedAt = clock.Next();
                foreach (var r in registry.All)
                {
                    r.Store.Compact(compactedAt);
                }
            });

        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            var namespaces = registry.Find("", "namespaces")!;
            service.Create(namespaces, namespaces.Type.Versions[0], "", new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = ns } }, new WriteOptions(false, "sandbox", "", false));
        }

        var certificates = options.UseTls ? SandboxCertificates.Create(options.Host) : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.UseKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.AddServerHeader = false;
            if (certificates is not null)
            {
                k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificates.Server);
            }
        });
        builder.WebHost.UseUrls($"{(certificates is null ? "http" : "https")}://{options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)}");
        var app = builder.Build();
        KubernetesSandbox? sandbox = null;
        var handler = new ApiHandler(service, options, faults, log, tokens, random, () => sandbox!.Url.Authority);
        sandbox = new KubernetesSandbox(app, registry, log, tokens, faults, certificates) { _handler = handler };
        app.Run(handler.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sandbox.Url = new Uri(address.Replace("0.0.0.0", options.Host, StringComparison.Ordinal).TrimEnd('/') + "/");
        return sandbox;
    }

    /// <summary>Writes a kubeconfig whose user authenticates as <paramref name="identity"/> with a bearer token; context namespace "default". Returns the path.</summary>
    public string WriteKubeconfig(string path, string identity = "admin")
    {
        var token = TokenFor(identity);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        WritePrivate(path, Kubeconfig.Render(Url, identity, token, _certificates?.AuthorityPem));
        return path;
    }

    // The kubeconfig carries a bearer token: readable by its owner only (0600), and a link planted at the path is
    // replaced, never followed.
    private static void WritePrivate(string path, string text)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>PEM of the CA that signed the serving certificate; null on plain HTTP.</summary>
    public string? CertificateAuthorityPem => _certificates?.AuthorityPem;

    /// <summary>An HttpClient that trusts the sandbox and authenticates as <paramref name="identity"/> (caller disposes).</summary>
    public HttpClient CreateHttpClient(string identity = "admin")
    {
        var token = TokenFor(identity);
        var handler = new HttpClientHandler();
        if (_certificates is { } certs)
        {
            handler.ServerCertificateCustomValidationCallback = (_, cert, _, _) => certs.Trusts(cert);
        }

        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = Url, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The bearer token of an identity, registering one if it has none.</summary>
    public string TokenFor(string identity)
    {
        var token = _tokens.FirstOrDefault(kv => kv.Value == identity).Key;
        return token ?? AddToken(identity);
    }

    /// <summary>Registers a bearer token for an identity (for clients configured without a kubeconfig).</summary>
    public string AddToken(string identity)
    {
        var token = "sandbox-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        _tokens[token] = identity;
        return token;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var r in _registry.All)
        {
            r.Store.DropWatches();
        }

        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _certificates?.Dispose();
    }
}
