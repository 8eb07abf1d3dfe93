using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Events;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Status;

namespace SessionAudit.Kubernetes.Hosting;

/// <summary>Hosts a controller for one resource type in a generic host.</summary>
public static class ControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers a controller for <paramref name="resource"/> reconciled by <typeparamref name="TReconciler"/> (scoped, one
    /// scope per reconcile), with everything a reconciler may inject: <see cref="IResourceCache{T}"/>,
    /// <see cref="IStatusWriter{T}"/>, <see cref="IFinalizers{T}"/>, <see cref="IEventRecorder"/>, <see cref="KubernetesApi"/>,
    /// <see cref="ILeadershipStatus"/>. Options are validated when the host starts. One controller per host.
    /// <paramref name="handlers"/> join the HTTP pipeline of the API client.
    /// </summary>
    public static IServiceCollection AddKubernetesController<TResource, TReconciler>(
        this IServiceCollection services,
        ResourceDescriptor resource,
        Action<ControllerOptions>? configure = null,
        Func<IServiceProvider, DelegatingHandler[]>? handlers = null)
        where TResource : class, IKubernetesObject<V1ObjectMeta>
        where TReconciler : class, IReconciler<TResource>
    {
        ArgumentNullException.ThrowIfNull(resource);
        services.AddOptions<ControllerOptions>()
            .Configure(o => configure?.Invoke(o))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ControllerOptions>, ControllerOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(resource);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ControllerOptions>>().Value;
            return KubernetesConnection.Create(o.Kubeconfig, o.Context, o.RequestTimeout, o.FieldManager ?? o.EventComponent, sp.GetRequiredService<TimeProvider>(), handlers?.Invoke(sp) ?? []);
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<KubernetesConnection>().Api);
        services.TryAddSingleton<ResourceCache<TResource>>();
        services.TryAddSingleton<IResourceCache<TResource>>(sp => sp.GetRequiredService<ResourceCache<TResource>>());
        services.TryAddSingleton(sp => new StatusWriter<TResource>(sp.GetRequiredService<KubernetesApi>(), resource));
        services.TryAddSingleton<IStatusWriter<TResource>>(sp => sp.GetRequiredService<StatusWriter<TResource>>());
        services.TryAddSingleton(sp => new Finalizers<TResource>(sp.GetRequiredService<KubernetesApi>(), resource));
        services.TryAddSingleton<IFinalizers<TResource>>(sp => sp.GetRequiredService<Finalizers<TResource>>());
        services.TryAddSingleton<ControllerHost<TResource>>();
        services.TryAddSingleton<ILeadershipStatus>(sp => sp.GetRequiredService<ControllerHost<TResource>>());
        services.TryAddSingleton(sp => new EventRecorder(
            sp.GetRequiredService<KubernetesApi>(),
            sp.GetRequiredService<IOptions<ControllerOptions>>().Value.EventComponent,
            sp.GetRequiredService<ILeadershipStatus>().Identity,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<EventRecorder>()));
        services.TryAddSingleton<IEventRecorder>(sp => sp.GetRequiredService<EventRecorder>());
        services.TryAddScoped<IReconciler<TResource>, TReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<ControllerHost<TResource>>());
        return services;
    }

    /// <summary>
    /// Registers a controller whose objects carry <typeparamref name="TReconciler"/>'s finalizer: the runtime
    /// (<see cref="FinalizingReconciler{T}"/>) reads each object from the cache, attaches the finalizer before the first
    /// reconcile, calls the delete path while the object is being deleted, and removes the finalizer when that path is
    /// done. Otherwise as <see cref="AddKubernetesController{TResource, TReconciler}"/>.
    /// </summary>
    public static IServiceCollection AddFinalizingKubernetesController<TResource, TReconciler>(
        this IServiceCollection services,
        ResourceDescriptor resource,
        Action<ControllerOptions>? configure = null,
        Func<IServiceProvider, DelegatingHandler[]>? handlers = null)
        where TResource : class, IKubernetesObject<V1ObjectMeta>
        where TReconciler : class, IFinalizingReconciler<TResource>
    {
        services.TryAddScoped<IFinalizingReconciler<TResource>, TReconciler>();
        return services.AddKubernetesController<TResource, FinalizingReconciler<TResource>>(resource, configure, handlers);
    }

    /// <summary>
    /// Watches <paramref name="secondary"/> objects for the controller of <typeparamref name="TPrimary"/>
    /// (controller-runtime's `Watches` with `EnqueueRequestsFromMapFunc`): each controller run runs an informer of them
    /// under the same leadership as the primary one, and workers start only once both have synced. Every add and delete
    /// of a secondary object, and every update that passes <see cref="Predicates.GenerationOrMetadataChanged"/>, calls
    /// <paramref name="map"/> (on update with the old and the new object) and queues the primary keys it returns at high
    /// priority. Secondary objects are never reconciled themselves. Registers <see cref="ResourceCache{T}"/> and
    /// <see cref="IResourceCache{T}"/> of <typeparamref name="TSecondary"/> for reconcilers to inject. Call it with
    /// <see cref="AddKubernetesController{TResource, TReconciler}"/>, in either order; one watch per secondary type. A
    /// namespaced secondary type is watched in the controller's <c>Informer.Namespace</c> (all namespaces when null).
    /// </summary>
    public static IServiceCollection AddKubernetesWatch<TPrimary, TSecondary>(
        this IServiceCollection services,
        ResourceDescriptor secondary,
        Func<TSecondary, IResourceCache<TPrimary>, IEnumerable<ResourceKey>> map)
        where TPrimary : class, IKubernetesObject<V1ObjectMeta>
        where TSecondary : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(secondary);
        ArgumentNullException.ThrowIfNull(map);
        if (typeof(TPrimary) == typeof(TSecondary))
        {
            throw new ArgumentException($"{typeof(TSecondary).Name} is the primary type: its changes are reconciled already", nameof(secondary));
        }

        // Two informers filling one cache would each take the other's objects for deletions at every relist.
        if (services.Any(d => d.ServiceType == typeof(WatchRegistration<TSecondary>)))
        {
            throw new InvalidOperationException($"{typeof(TSecondary).Name} is watched already");
        }

        services.AddSingleton<WatchRegistration<TSecondary>>();
        services.TryAddSingleton<ResourceCache<TSecondary>>();
        services.TryAddSingleton<IResourceCache<TSecondary>>(sp => sp.GetRequiredService<ResourceCache<TSecondary>>());
        services.AddSingleton<IWatch<TPrimary>>(sp => new Watch<TPrimary, TSecondary>(secondary, sp.GetRequiredService<ResourceCache<TSecondary>>(), map));
        return services;
    }

    /// <summary>
    /// Adds an index to the cache of <typeparamref name="TResource"/> (the primary or a watched type):
    /// <see cref="IResourceCache{T}.ByIndex"/> then answers "which cached objects have this value" without a scan
    /// (client-go's indexers, controller-runtime's <c>IndexField</c>). Call it before the host starts.
    /// </summary>
    public static IServiceCollection AddKubernetesIndex<TResource>(this IServiceCollection services, string name, Func<TResource, IEnumerable<string>> values)
        where TResource : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(values);
        services.AddSingleton(new CacheIndex<TResource>(name, values));
        return services;
    }

    /// <summary>Marks a secondary type as watched.</summary>
    private sealed class WatchRegistration<T>;

    private sealed class ControllerOptionsValidator : IValidateOptions<ControllerOptions>
    {
        public ValidateOptionsResult Validate(string? name, ControllerOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
