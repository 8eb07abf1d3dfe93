using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.DependencyInjection;
using SessionAudit.Kubernetes.Hosting;
using SessionAudit.Operator.Cli;
using SessionAudit.Operator.Reconciliation;
using SessionAudit.Operator.Reports;
using SessionAudit.Operator.Resources;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Operator.Hosting;

/// <summary>Builds and runs the operator host: controller, AWS clients, telemetry and the HTTP endpoints.</summary>
public static class OperatorRunner
{
    public static async Task<int> RunAsync(OperatorSettings settings, TextWriter output, CancellationToken ct)
    {
        await using var app = Build(settings);
        await app.StartAsync(ct);
        if (settings.MetricsPort >= 0)
        {
            await output.WriteLineAsync($"HTTP={ListeningUrl(app)}");
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

    /// <summary>The first address the HTTP endpoints listen on, as a URL a local client can open ("[::]" means every address).</summary>
    public static string ListeningUrl(WebApplication app) =>
        (app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "")
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal)
            .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);

    public static WebApplication Build(OperatorSettings settings, AwsClientOptions? aws = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (settings.JsonLogs)
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        builder.Logging.SetMinimumLevel(settings.LogLevel);
        // The SDKs and HttpClient log every request at Information: too much for an operator's log.
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        if (settings.MetricsPort >= 0)
        {
            builder.WebHost.UseKestrel(k => k.Listen(settings.MetricsAddress, settings.MetricsPort));
        }
        else
        {
            builder.WebHost.UseKestrel(k => k.ListenLocalhost(0));
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddOperatorTelemetry(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSessionAuditAws(aws);
        builder.Services.AddSingleton<PolicyReconciler>();
        builder.Services.AddSingleton<ReportStore>();
        builder.Services.AddSingleton<PolicyReports>();
        builder.Services.AddKubernetesController<SessionLoggingPolicyResource, SessionLoggingPolicyReconciler>(
            SessionLoggingPolicyResource.Descriptor,
            o =>
            {
                o.Kubeconfig = settings.Kubeconfig;
                o.Concurrency = settings.Concurrency;
                o.Resync = settings.Resync;
                o.EventComponent = "session-audit-operator";
                o.FieldManager = "session-audit-operator";
                o.LeaderElection.Enabled = settings.LeaderElection;
                o.LeaderElection.Namespace = settings.LeaderElectionNamespace;
                o.LeaderElection.Name = "session-audit-operator";
                o.LeaderElection.LeaseDuration = settings.LeaseDuration;
                o.LeaderElection.RenewDeadline = settings.RenewDeadline;
                o.LeaderElection.RetryPeriod = settings.RetryPeriod;
            });

        var app = builder.Build();
        HttpEndpoints.Map(app);
        return app;
    }
}
