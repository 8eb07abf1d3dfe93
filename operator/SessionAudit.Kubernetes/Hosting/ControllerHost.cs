using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.LeaderElection;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Hosting;

/// <summary>
/// Hosts one controller: StartAsync returns at once; leader election and the controller run in the background.
/// StopAsync drains in-flight reconciles within the host's shutdown timeout, then stops and releases the Lease.
/// </summary>
internal sealed class ControllerHost<T> : IHostedService, ILeadershipStatus, IDisposable
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IServiceProvider services;
    private readonly ResourceDescriptor resource;
    private readonly ControllerOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private Task? running;
    private volatile Controller<T>? current;
    private LeaderElector? elector;

    public ControllerHost(IServiceProvider services, ResourceDescriptor resource, IOptions<ControllerOptions> options, TimeProvider time, ILogger<Controller<T>> logger)
    {
        this.services = services;
        this.resource = resource;
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
        var connection = services.GetRequiredService<KubernetesConnection>();
        Identity = this.options.LeaderElection.Identity ?? LeaseDefaults.Identity(connection.InCluster);
    }

    public string Identity { get; }

    public bool IsActive => current is not null && (elector is null || elector.IsLeader);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = services.GetRequiredService<KubernetesConnection>();
        if (options.LeaderElection.Enabled)
        {
            var le = options.LeaderElection with
            {
                Identity = Identity,
                Namespace = options.LeaderElection.Namespace ?? LeaseDefaults.Namespace(connection.InCluster, connection.ContextNamespace, resource.Namespaced),
                Name = options.LeaderElection.Name ?? $"{resource.Plural}.{resource.Group}-leader",
            };
            elector = new LeaderElector(connection.Api, le, time, logger);
            running = Task.Run(() => elector.RunAsync(RunControllerAsync, stopping.Token), CancellationToken.None);
        }
        else
        {
            running = Task.Run(() => RunControllerAsync(stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (running is null)
        {
            return;
        }

        // The shutdown timeout is shared: draining reconciles may use it all but the release budget, which is kept
        // for cancelling what is left and giving the Lease up. Otherwise a slow reconcile would use the whole timeout,
        // the process would exit holding the Lease, and the standby would wait a full lease duration.
        var shutdown = services.GetService<IOptions<HostOptions>>()?.Value.ShutdownTimeout ?? TimeSpan.FromSeconds(30);
        var release = elector is null ? TimeSpan.Zero : Min(options.LeaderElection.ReleaseTimeout, shutdown / 2);
        try
        {
            if (current is { } c)
            {
                using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                drain.CancelAfter(shutdown - release);
                await c.DrainAsync(drain.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Drain budget spent: in-flight reconciles are cancelled below.
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            // Not the host's token, which may have fired already: the run ends by releasing the Lease, within its budget.
            await running.WaitAsync(release + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public void Dispose() => stopping.Dispose();

    private async Task RunControllerAsync(CancellationToken ct)
    {
        var connection = services.GetRequiredService<KubernetesConnection>();
        var cache = services.GetRequiredService<ResourceCache<T>>();
        var reconciler = new ScopedReconciler<T>(services.GetRequiredService<IServiceScopeFactory>());
        var watches = services.GetServices<IWatch<T>>().ToList();
        while (!ct.IsCancellationRequested)
        {
            var controller = new Controller<T>(connection.Api, resource, cache, reconciler, options, time, logger, watches);
            current = controller;
            try
            {
                await controller.RunAsync(ct).ConfigureAwait(false);
                if (controller.Queue.IsShuttingDown)
                {
                    // Drained for shutdown.
                    return;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                RuntimeLog.ControllerCrashed(logger, resource.Kind, e);
                await Task.Delay(options.Informer.BackoffInitial, time, ct).ConfigureAwait(false);
            }
            finally
            {
                current = null;
            }
        }
    }
}
