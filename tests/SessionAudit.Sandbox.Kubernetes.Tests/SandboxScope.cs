namespace SessionAudit.Sandbox.Kubernetes.Tests;

/// <summary>A sandbox for one test, with a kubeconfig, a kubectl cache directory of its own and an authenticated HttpClient.</summary>
internal sealed class SandboxScope : IAsyncDisposable
{
    private SandboxScope(KubernetesSandbox sandbox, string directory)
    {
        Sandbox = sandbox;
        Directory = directory;
        Kubeconfig = sandbox.WriteKubeconfig(Path.Combine(directory, "kubeconfig"), "admin");
        Kubectl = new KubectlRunner(Kubeconfig, Path.Combine(directory, "cache"), directory);
        Http = sandbox.CreateHttpClient("admin");
        Http.Timeout = TimeSpan.FromSeconds(30);
    }

    public KubernetesSandbox Sandbox { get; }

    public string Directory { get; }

    public string Kubeconfig { get; }

    public KubectlRunner Kubectl { get; }

    public HttpClient Http { get; }

    public static async Task<SandboxScope> StartAsync(KubernetesSandboxOptions? options = null)
    {
        var sandbox = await KubernetesSandbox.StartAsync(options ?? new KubernetesSandboxOptions(), TestContext.Current.CancellationToken);
        var dir = Path.Combine(Path.GetTempPath(), "k8s-sandbox-tests", Guid.NewGuid().ToString("n"));
        System.IO.Directory.CreateDirectory(dir);
        return new SandboxScope(sandbox, dir);
    }

    /// <summary>Writes a manifest into the scope's directory and returns its path.</summary>
    public string Manifest(string name, string yaml)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Sandbox.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a kubectl child may still hold the cache; the temp folder is cleaned eventually
        }
    }
}
