using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Hosting;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>A sandbox API server with the Widget CRD registered, and clients as named identities.</summary>
public sealed class SandboxEnv : IAsyncDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("controller-runtime-tests").FullName;
    private readonly List<KubernetesConnection> connections = [];

    private SandboxEnv(KubernetesSandbox sandbox) => Sandbox = sandbox;

    public KubernetesSandbox Sandbox { get; }

    /// <summary>The test's own client, identity "tester".</summary>
    public KubernetesApi Admin { get; private set; } = null!;

    public static Task<SandboxEnv> StartAsync(CancellationToken ct) => StartAsync(new KubernetesSandboxOptions(), ct);

    public static async Task<SandboxEnv> StartAsync(KubernetesSandboxOptions options, CancellationToken ct)
    {
        var env = new SandboxEnv(await KubernetesSandbox.StartAsync(options, ct));
        env.Admin = env.Connect("tester").Api;
        await env.RegisterWidgetsAsync(ct);
        return env;
    }

    public string Kubeconfig(string identity) => Sandbox.WriteKubeconfig(Path.Combine(dir, identity + ".kubeconfig"), identity);

    /// <summary>A kubeconfig for <paramref name="identity"/> edited by <paramref name="edit"/> (another context namespace, a tls-server-name...).</summary>
    public string Kubeconfig(string identity, Func<string, string> edit)
    {
        var path = Kubeconfig(identity);
        File.WriteAllText(path, edit(File.ReadAllText(path)));
        return path;
    }

    public KubernetesConnection Connect(string identity, params DelegatingHandler[] handlers)
    {
        var c = KubernetesConnection.Create(Kubeconfig(identity), null, TimeSpan.FromSeconds(10), handlers);
        connections.Add(c);
        return c;
    }

    public async Task<Widget> CreateAsync(Widget w, CancellationToken ct) =>
        await Retry(() => Admin.CreateAsync(Widget.Descriptor, w.Metadata.NamespaceProperty, w, ct), ct);

    /// <summary>Changes the spec (bumps generation), retrying the sandbox's injected faults as a user would.</summary>
    public async Task<Widget> ResizeAsync(string ns, string name, int size, CancellationToken ct) =>
        await Retry(() => Admin.MergePatchAsync<Widget>(Widget.Descriptor, new ResourceKey(ns, name), "{\"spec\":{\"size\":" + size.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}", ct), ct);

    public async Task DeleteAsync(string ns, string name, CancellationToken ct) =>
        await Retry(() => Admin.SendAsync<JsonObject>(HttpMethod.Delete, Widget.Descriptor.ObjectPath(new ResourceKey(ns, name)), null, null, ct), ct);

    public Task<Widget?> GetAsync(string ns, string name, CancellationToken ct) =>
        Retry(() => Admin.GetAsync<Widget>(Widget.Descriptor, new ResourceKey(ns, name), ct), ct);

    public static async Task<T> Retry<T>(Func<Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (KubernetesApiException e) when (attempt < 50 && (e.IsConflict || (int)e.StatusCode >= 500))
            {
                await Task.Delay(10, ct);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in connections) c.Dispose();
        await Sandbox.DisposeAsync();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task RegisterWidgetsAsync(CancellationToken ct) => RegisterCrdAsync(Widget.Descriptor, "Widget", ct);

    /// <summary>Creates a CRD for <paramref name="descriptor"/> (any fields, a status subresource) and waits until it is served.</summary>
    public async Task RegisterCrdAsync(ResourceDescriptor descriptor, string kind, CancellationToken ct)
    {
        var singular = kind.ToLowerInvariant();
        var crd = $$"""
            {
              "apiVersion": "apiextensions.k8s.io/v1",
              "kind": "CustomResourceDefinition",
              "metadata": { "name": "{{descriptor.Plural}}.{{descriptor.Group}}" },
              "spec": {
                "group": "{{descriptor.Group}}",
                "scope": "{{(descriptor.Namespaced ? "Namespaced" : "Cluster")}}",
                "names": { "plural": "{{descriptor.Plural}}", "singular": "{{singular}}", "kind": "{{kind}}", "listKind": "{{kind}}List" },
                "versions": [{
                  "name": "{{descriptor.Version}}", "served": true, "storage": true,
                  "subresources": { "status": {} },
                  "schema": { "openAPIV3Schema": { "type": "object", "x-kubernetes-preserve-unknown-fields": true } }
                }]
              }
            }
            """;
        await Admin.SendAsync<JsonObject>(HttpMethod.Post, "apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd, new MediaTypeHeaderValue("application/json"), ct);
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await Admin.SendAsync<JsonObject>(HttpMethod.Get, descriptor.CollectionPath(), null, null, ct);
                    return true;
                }
                catch (KubernetesApiException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(10),
            descriptor.Plural + " served",
            ct);
    }
}
