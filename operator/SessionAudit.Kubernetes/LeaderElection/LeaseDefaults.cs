namespace SessionAudit.Kubernetes.LeaderElection;

/// <summary>Where the Lease lives and who we are, as controller-runtime decides them.</summary>
public static class LeaseDefaults
{
    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>Identity: POD_NAME, else HOSTNAME in a cluster (the pod name), else "host_pid" (unique per process).</summary>
    public static string Identity(bool inCluster)
    {
        var pod = Environment.GetEnvironmentVariable("POD_NAME");
        if (!string.IsNullOrEmpty(pod)) return pod;
        var host = Environment.GetEnvironmentVariable("HOSTNAME");
        if (inCluster && !string.IsNullOrEmpty(host)) return host;
        return $"{Environment.MachineName}_{Environment.ProcessId}";
    }

    /// <summary>
    /// Where the Lease of a controller of cluster-scoped objects lives unless configured: one fixed namespace for the whole
    /// cluster (kube-controller-manager's and kube-scheduler's), so that two installs in different namespaces compete
    /// for one Lease instead of each leading over the same objects.
    /// </summary>
    public const string ClusterScopedNamespace = "kube-system";

    /// <summary>
    /// Namespace of the Lease: <see cref="ClusterScopedNamespace"/> for cluster-scoped resources; else POD_NAMESPACE or the
    /// service account's namespace in a cluster, the kubeconfig context's outside, else "default".
    /// </summary>
    public static string Namespace(bool inCluster, string? kubeconfigNamespace, bool namespacedResource)
    {
        if (!namespacedResource)
        {
            return ClusterScopedNamespace;
        }

        return Namespace(inCluster, kubeconfigNamespace);
    }

    /// <summary>Namespace: POD_NAMESPACE or the service account's namespace in a cluster; the kubeconfig context's outside; else "default".</summary>
    public static string Namespace(bool inCluster, string? kubeconfigNamespace)
    {
        if (inCluster)
        {
            var ns = Environment.GetEnvironmentVariable("POD_NAMESPACE");
            if (!string.IsNullOrEmpty(ns)) return ns;
            if (File.Exists(ServiceAccountNamespaceFile)) return File.ReadAllText(ServiceAccountNamespaceFile).Trim();
        }

        return string.IsNullOrEmpty(kubeconfigNamespace) ? "default" : kubeconfigNamespace;
    }
}
