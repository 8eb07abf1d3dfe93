using k8s;
using SessionAudit.Kubernetes.Api;

namespace SessionAudit.Kubernetes.Hosting;

/// <summary>A connection to one API server: the official client, our HTTP access over it, and where it came from.</summary>
public sealed class KubernetesConnection : IDisposable
{
    private KubernetesConnection(k8s.Kubernetes client, TimeSpan requestTimeout, bool inCluster, string? contextNamespace)
    {
        Client = client;
        Api = new KubernetesApi(client, requestTimeout);
        InCluster = inCluster;
        ContextNamespace = contextNamespace;
    }

    /// <summary>The official client (for anything the runtime does not wrap).</summary>
    public k8s.Kubernetes Client { get; }

    /// <summary>The runtime's HTTP access.</summary>
    public KubernetesApi Api { get; }

    /// <summary>True when configured from the pod's service account.</summary>
    public bool InCluster { get; }

    /// <summary>The kubeconfig context's namespace (null in a cluster or when the context names none).</summary>
    public string? ContextNamespace { get; }

    /// <summary>
    /// Connects as controller-runtime does: an explicit kubeconfig file, else KUBECONFIG, else in-cluster, else
    /// ~/.kube/config. <paramref name="handlers"/> are added to the HTTP pipeline (tests, diagnostics).
    /// </summary>
    public static KubernetesConnection Create(string? kubeconfig, string? context, TimeSpan requestTimeout, params DelegatingHandler[] handlers)
    {
        var env = Environment.GetEnvironmentVariable("KUBECONFIG");
        var path = !string.IsNullOrEmpty(kubeconfig) ? kubeconfig
            : !string.IsNullOrEmpty(env) ? env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)[0]
            : null;
        KubernetesClientConfiguration config;
        var inCluster = false;
        if (path is not null)
        {
            config = Kubeconfig.Build(path, context);
        }
        else if (KubernetesClientConfiguration.IsInCluster())
        {
            config = KubernetesClientConfiguration.InClusterConfig();
            inCluster = true;
        }
        else
        {
            config = Kubeconfig.Build(KubernetesClientConfiguration.KubeConfigDefaultLocation, context);
        }

        var client = new k8s.Kubernetes(config, handlers);

        // Watches last up to 10 minutes and end by timeoutSeconds and the idle watchdog; every other request of
        // ours has its own deadline (RequestTimeout), and the generated client methods keep HttpClientTimeout.
        client.HttpClient.Timeout = Timeout.InfiniteTimeSpan;
        return new KubernetesConnection(client, requestTimeout, inCluster, inCluster ? null : config.Namespace);
    }

    /// <inheritdoc/>
    public void Dispose() => Client.Dispose();
}
