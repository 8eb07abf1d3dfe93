using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionAudit.Sandbox.Aws.Seed;
using SessionAudit.Sandbox.Aws.Services;
using SessionAudit.Sandbox.Aws.State;

namespace SessionAudit.Sandbox.Aws;

/// <summary>A local stand-in for the AWS APIs the operator uses, on one HTTP endpoint, held to the botocore models.</summary>
public sealed class AwsSandbox : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SandboxCore core;
    private int disposed;

    private AwsSandbox(WebApplication app, SandboxCore core, Uri url)
    {
        this.app = app;
        this.core = core;
        Url = url;
    }

    /// <summary>The endpoint to give the SDKs and the CLI (AWS_ENDPOINT_URL, --endpoint-url).</summary>
    public Uri Url { get; }

    public AwsFaults Faults => core.Faults;

    /// <summary>A snapshot of every call answered so far.</summary>
    public IReadOnlyList<AwsCallRecord> CallLog => core.CallLog;

    /// <summary>A snapshot of every delivery to an SNS, Lambda, CodePipeline or Run Command target so far.</summary>
    public IReadOnlyList<AwsDelivery> Deliveries => core.Deliveries;

    public static async Task<AwsSandbox> StartAsync(AwsSandboxOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var core = new SandboxCore(options);
        if (options.StateFile is { } sf && File.Exists(sf))
        {
            core.World = StateFile.Load(sf);
            foreach (var (k, v) in core.World.AccessKeys) core.AccessKeys.TryAdd(k, v);
        }

        if (options.SeedFile is { } seed)
        {
            SeedApplier.Apply(core, await File.ReadAllTextAsync(seed, ct));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.UseKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 256L * 1024 * 1024;
            k.Listen(options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host), options.Port);
        });
        var app = builder.Build();
        var dispatcher = new Dispatcher(core);
        app.Run(dispatcher.HandleAsync);
        await app.StartAsync(ct);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AwsSandbox(app, core, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>Adds the world described by a seed (YAML) to the current state.</summary>
    public void ApplySeed(string yaml) => SeedApplier.Apply(core, yaml);

    public void ClearCallLog() => core.ClearCallLog();

    public void ClearDeliveries() => core.ClearDeliveries();

    /// <summary>Writes the current state to a JSON file (what StateFile does on stop).</summary>
    public void SaveState(string path)
    {
        lock (core.Gate) StateFile.Save(path, core.World);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        await app.StopAsync(CancellationToken.None);
        if (core.Options.StateFile is { } sf) SaveState(sf);
        await app.DisposeAsync();
    }
}
