using SessionAudit.Sandbox.Kubernetes;

namespace SessionAudit.Deploy.Tests.Support;

/// <summary>A Kubernetes API sandbox on a free loopback port with a kubeconfig for the real kubectl.</summary>
internal sealed class SandboxCluster : IAsyncDisposable
{
    private readonly KubernetesSandbox sandbox;
    private readonly string folder;
    private readonly Tool kubectl = Kubectl.Create();

    private SandboxCluster(KubernetesSandbox sandbox, string folder)
    {
        this.sandbox = sandbox;
        this.folder = folder;
        Kubeconfig = Path.Combine(folder, "kubeconfig");
        sandbox.WriteKubeconfig(Kubeconfig);
    }

    public string Kubeconfig { get; }

    public string Folder => folder;

    public static async Task<SandboxCluster> StartAsync(CancellationToken cancellationToken)
    {
        var sandbox = await KubernetesSandbox.StartAsync(new KubernetesSandboxOptions(), cancellationToken);
        return new SandboxCluster(sandbox, Directory.CreateTempSubdirectory("session-audit-deploy-").FullName);
    }

    /// <summary>kubectl against the sandbox; kubectl's own validation stays on (no --validate=false).</summary>
    public Task<ToolResult> KubectlAsync(CancellationToken cancellationToken, params string[] arguments) =>
        kubectl.RunAsync(["--kubeconfig", Kubeconfig, .. arguments], cancellationToken);

    /// <summary>Creates a namespace the way a manifest would (helm template leaves the release namespace to the user).</summary>
    // `kubectl create namespace` would send protobuf, which the sandbox does not read.
    public async Task CreateNamespaceAsync(string name, CancellationToken cancellationToken) =>
        (await kubectl.RunAsync(
            ["--kubeconfig", Kubeconfig, "apply", "-f", "-"],
            cancellationToken,
            stdin: $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n")).EnsureSuccess();

    public async ValueTask DisposeAsync()
    {
        await sandbox.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
