using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s.Exceptions;
using SessionAudit.Kubernetes.Hosting;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Units;

/// <summary>The kubeconfig reader gives the official client the same configuration its own loader would.</summary>
public sealed class KubeconfigTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("kubeconfig-tests-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private const string TwoContexts = """
        apiVersion: v1
        kind: Config
        current-context: prod
        preferences: {}
        clusters:
        - name: prod-cluster
          cluster:
            server: https://prod.example:6443
            certificate-authority: certs/ca.crt
        - name: dev-cluster
          cluster:
            server: https://dev.example:6443
            insecure-skip-tls-verify: true
        users:
        - name: operator
          user:
            token: prod-token
        - name: dev
          user:
            token: dev-token
        contexts:
        - name: prod
          context:
            cluster: prod-cluster
            user: operator
            namespace: session-audit
        - name: dev
          context:
            cluster: dev-cluster
            user: dev
        """;

    [Fact]
    public void The_current_context_with_a_certificate_authority_relative_to_the_file()
    {
        var ca = WriteCertificate(Path.Combine(dir, "certs", "ca.crt"));
        var path = Write("config", TwoContexts);

        var config = Kubeconfig.Build(path, context: null);

        Assert.Equal("https://prod.example:6443", config.Host);
        Assert.Equal("prod-token", config.AccessToken);
        Assert.Equal("session-audit", config.Namespace);
        Assert.Equal("prod", config.CurrentContext);
        Assert.False(config.SkipTlsVerify);
        Assert.Equal(ca.Thumbprint, Assert.Single(config.SslCaCerts!).Thumbprint);
    }

    [Fact]
    public void A_named_context_is_used_when_asked_for()
    {
        WriteCertificate(Path.Combine(dir, "certs", "ca.crt"));
        var config = Kubeconfig.Build(Write("config", TwoContexts), "dev");

        Assert.Equal("https://dev.example:6443", config.Host);
        Assert.Equal("dev-token", config.AccessToken);
        Assert.True(config.SkipTlsVerify);
        Assert.Null(config.Namespace);
    }

    [Fact]
    public void Unknown_fields_are_ignored_as_kubectl_does()
    {
        var path = Write("config", TwoContexts.Replace("preferences: {}", "preferences: {}\nsomething-new: [1, 2]", StringComparison.Ordinal));
        WriteCertificate(Path.Combine(dir, "certs", "ca.crt"));

        Assert.Equal("https://prod.example:6443", Kubeconfig.Build(path, null).Host);
    }

    [Fact]
    public void A_missing_file_names_the_path()
    {
        var path = Path.Combine(dir, "nope");
        var e = Assert.Throws<KubeConfigException>(() => Kubeconfig.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_kubeconfig_names_the_path()
    {
        var path = Write("broken", "clusters: [\n  - name: x\n  cluster: {server: 1");
        var e = Assert.Throws<KubeConfigException>(() => Kubeconfig.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);

        var empty = Write("empty", "");
        Assert.Throws<KubeConfigException>(() => Kubeconfig.Read(empty));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static X509Certificate2 WriteCertificate(string path)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kubeconfig-test-ca", key, HashAlgorithmName.SHA256);
        var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, cert.ExportCertificatePem());
        return cert;
    }
}
