using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Hosting;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>Builds a generic host running the Widget controller against the sandbox as one identity.</summary>
public static class ControllerHostFactory
{
    public static IHost Build(SandboxEnv env, string identity, ReconcileLog log, Action<ControllerOptions> configure, DelegatingHandler? handler = null, SessionAudit.Kubernetes.Resources.ResourceDescriptor? resource = null, string? kubeconfig = null, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(log);
        kubeconfig ??= env.Kubeconfig(identity);
        builder.Services.AddKubernetesController<Widget, WidgetReconciler>(
            resource ?? Widget.Descriptor,
            o =>
            {
                o.Kubeconfig = kubeconfig;
                o.RequestTimeout = TimeSpan.FromSeconds(5);
                o.LeaderElection.Identity = identity;
                o.QueueRateLimits.MaxDelay = TimeSpan.FromMilliseconds(500);
                o.Informer.BackoffInitial = TimeSpan.FromMilliseconds(50);
                o.Informer.BackoffMax = TimeSpan.FromMilliseconds(500);
                configure(o);
            },
            handler is null ? null : _ => [handler]);
        return builder.Build();
    }
}
