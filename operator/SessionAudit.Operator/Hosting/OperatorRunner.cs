using Microsoft.Extensions.Options;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.DependencyInjection;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Hosting;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Operator.Accounts;
using SessionAudit.Operator.Cli;
using SessionAudit.Operator.Reconciliation;
using SessionAudit.Operator.Reports;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Operator.Hosting;

/// <summary>Builds and runs the operator host: controller, AWS clients, telemetry and the HTTP endpoints.</summary>
public static class OperatorRunner
{
    /// <summary>Runs the operator with <paramref name="configuration"/> (the flags given, as configuration keys) until stopped.</summary>
    public static async Task<int> RunAsync(IEnumerable<KeyValuePair<string, string?>> configuration, TextWriter output, CancellationToken ct)
    {
        await using var app = Build(configuration);
        await app.StartAsync(ct);
        if (app.Services.GetRequiredService<IOptions<OperatorOptions>>().Value.MetricsPort >= 0)
        {
            await output.WriteLineAsync($"HTTP={ListeningUrl(app)}");
        }

        if (ReportsUrl(app) is { } reports)
        {
            await output.WriteLineAsync($"REPORTS={reports}");
        }

        try
        {
            await app.WaitForShutdownAsync(ct);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>The metrics/health listener's address as a URL a local client can open (after start).</summary>
    public static string ListeningUrl(WebApplication app) => Url(app.Services.GetRequiredService<HttpListeners>().Metrics);

    /// <summary>The reports listener's address (after start); null when it is off.</summary>
    public static string? ReportsUrl(WebApplication app) =>
        app.Services.GetRequiredService<HttpListeners>().Reports is { } reports ? Url(reports) : null;

    private static string Url(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? listener) =>
        listener?.IPEndPoint is { } endpoint
            ? $"http://{(endpoint.Address.Equals(System.Net.IPAddress.Any) || endpoint.Address.Equals(System.Net.IPAddress.IPv6Any) ? "127.0.0.1" : endpoint.Address.ToString())}:{endpoint.Port}"
            : "";

    /// <summary>
    /// Builds the operator host from its options: <see cref="OperatorOptions"/> bound from the environment and then from
    /// <paramref name="configuration"/> (so a flag wins), then <paramref name="configure"/>; invalid options stop it here,
    /// before anything starts, with a message per value that names the flag.
    /// </summary>
    /// <exception cref="UsageException">An option is invalid.</exception>
    public static WebApplication Build(IEnumerable<KeyValuePair<string, string?>> configuration, Action<OperatorOptions>? configure = null, AwsClientOptions? aws = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        var options = ValidOptions(builder.Configuration, configure);
        builder.Services.AddSingleton(Options.Create(options));
        builder.Logging.ClearProviders();
        if (options.JsonLogs)
        {
            // Scopes carry the controller's {controller, key, reconcileId}: every line of a reconcile names its policy.
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        builder.Logging.SetMinimumLevel(options.LogLevel);
        // The SDKs and HttpClient log every request at Information: too much for an operator's log.
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        var listeners = new HttpListeners();
        builder.Services.AddSingleton(listeners);
        // The slim builder's Kestrel core only: UseKestrel would add the HTTPS configuration loader and the QUIC (HTTP/3)
        // transport, which plain-HTTP metrics and reports never use (about 1 MB of mapped assemblies, docs/PERFORMANCE.md).
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (options.MetricsPort >= 0)
            {
                k.Listen(options.MetricsAddress, options.MetricsPort, o => listeners.Metrics = o);
            }
            else
            {
                k.Listen(System.Net.IPAddress.Loopback, 0, o => listeners.Metrics = o);
            }

            if (options.ReportsPort >= 0)
            {
                // Session data (who connected to which instance, when) only on loopback, on connections marked as the
                // reports listener's: other pods reach the metrics port, never this one.
                k.Listen(System.Net.IPAddress.Loopback, options.ReportsPort, o =>
                {
                    listeners.Reports = o;
                    o.Use(next => connection =>
                    {
                        connection.Items[HttpListeners.ReportsConnection] = true;
                        return next(connection);
                    });
                });
            }
        });

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddOperatorTelemetry(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSessionAuditAws(aws);
        builder.Services.AddSingleton<PolicyReconciler>();
        builder.Services.AddSingleton<ReportStore>();
        builder.Services.AddSingleton<PolicyReports>();
        builder.Services.AddSingleton<PolicyMetrics>();
        builder.Services.AddSingleton<IPolicyReports, PolicyReportsAdapter>();
        builder.Services.AddFinalizingKubernetesController<SessionLoggingPolicyResource, SessionLoggingPolicyReconciler>(
            SessionLoggingPolicyResource.Descriptor,
            options.ApplyTo);
        foreach (var index in PolicyViews.Indexes)
        {
            builder.Services.AddKubernetesIndex(index.Name, index.Values);
        }

        // An AwsAccount's change wakes the policies that use it; the reconciler reads AwsAccounts from this watch's cache.
        builder.Services.AddKubernetesWatch<SessionLoggingPolicyResource, AwsAccountResource>(AwsAccountResource.Descriptor, PolicyViews.UsersOf);
        builder.Services.AddSingleton(sp => new AccountSource(
            sp.GetRequiredService<IResourceCache<AwsAccountResource>>(),
            sp.GetRequiredService<KubernetesApi>().ReadSecretValueAsync,
            options.SecretNamespace,
            sp.GetRequiredService<TimeProvider>()));

        var app = builder.Build();
        HttpEndpoints.Map(app);
        return app;
    }

    private static OperatorOptions ValidOptions(IConfiguration configuration, Action<OperatorOptions>? configure)
    {
        OperatorOptions bound;
        try
        {
            bound = OperatorOptions.Bind(configuration, configure);
        }
        catch (InvalidOperationException e)
        {
            // A value from the environment that does not convert (flags are converted by the parser).
            throw new UsageException(e.Message);
        }

        var failures = bound.Validate().ToList();
        return failures.Count == 0 ? bound : throw new UsageException(string.Join("; ", failures));
    }
}

/// <summary>The two HTTP listeners, known once Kestrel has bound them (ports may be picked at start).</summary>
internal sealed class HttpListeners
{
    /// <summary>Connection item that marks a connection accepted by the reports listener.</summary>
    public const string ReportsConnection = "session-audit.reports";

    public Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? Metrics { get; set; }

    public Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? Reports { get; set; }
}
