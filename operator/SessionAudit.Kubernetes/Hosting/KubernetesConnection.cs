using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using k8s;
using SessionAudit.Kubernetes.Api;

namespace SessionAudit.Kubernetes.Hosting;

/// <summary>A connection to one API server: the official client, our HTTP access over it, and where it came from.</summary>
public sealed class KubernetesConnection : IDisposable
{
    private KubernetesConnection(k8s.Kubernetes client, TimeSpan requestTimeout, bool inCluster, string? contextNamespace, string? fieldManager, TimeProvider? time)
    {
        Client = client;
        Api = new KubernetesApi(client, requestTimeout, fieldManager, time);
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
    public static KubernetesConnection Create(string? kubeconfig, string? context, TimeSpan requestTimeout, params DelegatingHandler[] handlers) =>
        Create(kubeconfig, context, requestTimeout, null, null, handlers);

    /// <summary>
    /// The same, with the `fieldManager` every write sends and the clock that paces `Retry-After` waits.
    /// </summary>
    public static KubernetesConnection Create(string? kubeconfig, string? context, TimeSpan requestTimeout, string? fieldManager, TimeProvider? time, params DelegatingHandler[] handlers)
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

        VerifyServerName(config);
        var client = new k8s.Kubernetes(config, handlers);

        // Watches last up to 10 minutes and end by timeoutSeconds and the idle watchdog; every other request of
        // ours has its own deadline (RequestTimeout), and the generated client methods keep HttpClientTimeout.
        client.HttpClient.Timeout = Timeout.InfiniteTimeSpan;
        return new KubernetesConnection(client, requestTimeout, inCluster, inCluster ? null : config.Namespace, fieldManager, time);
    }

    /// <summary>
    /// The server's certificate must name the server: `tls-server-name` when the kubeconfig sets it (client-go's
    /// ServerName), else the host of `server`. The official client 21.0.8 ignores `tls-server-name`, and with a custom CA
    /// its own callback checks only the chain, so a certificate of any host signed by that CA would be accepted. The CA
    /// is therefore taken out of the client's hands and checked here, with the name. Go ignores the Common Name since
    /// 1.15; so do we. (The SNI sent stays the URL's host.)
    /// </summary>
    private static void VerifyServerName(KubernetesClientConfiguration config)
    {
        if (config.SkipTlsVerify || !Uri.TryCreate(config.Host, UriKind.Absolute, out var server) || server.Scheme != Uri.UriSchemeHttps)
        {
            return;
        }

        var expected = string.IsNullOrEmpty(config.TlsServerName) ? server.IdnHost.Trim('[', ']') : config.TlsServerName;
        var authorities = config.SslCaCerts;
        config.SslCaCerts = null;
        var previous = config.FirstMessageHandlerSetup;
        config.FirstMessageHandlerSetup = handler =>
        {
            previous?.Invoke(handler);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                certificate is not null && ChainTrusted(certificate, chain, errors, authorities) && NameMatches(certificate, expected);
        };
    }

    private static bool ChainTrusted(X509Certificate certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection? authorities)
    {
        // The platform's name verdict is about the URL's host; the name is judged separately against the expected one.
        errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || authorities is not { Count: > 0 })
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }

    private static bool NameMatches(X509Certificate certificate, string expected)
    {
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return leaf.MatchesHostname(expected, allowWildcards: true, allowCommonName: false);
    }

    /// <inheritdoc/>
    public void Dispose() => Client.Dispose();
}
