namespace SessionAudit.Sandbox.Kubernetes.Tests.Kubectl;

/// <summary>kubectl discovers the sandbox's built-in kinds and the resources CRDs add.</summary>
public sealed class KubectlDiscoveryTests
{
    [Fact]
    public async Task ApiResourcesListsTheBuiltInKinds()
    {
        await using var s = await SandboxScope.StartAsync();

        var result = (await s.Kubectl.RunAsync("api-resources")).Succeeded();

        foreach (var expected in new[]
        {
            "namespaces", "configmaps", "secrets", "serviceaccounts", "services", "events", "leases", "deployments",
            "clusterroles", "clusterrolebindings", "roles", "rolebindings", "networkpolicies", "netpol", "customresourcedefinitions",
        })
        {
            Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("events.k8s.io/v1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("coordination.k8s.io/v1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("networking.k8s.io/v1", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkPolicyAppliesWithGenerationBumpedOnlyBySpecChanges()
    {
        await using var s = await SandboxScope.StartAsync();
        var manifest = s.Manifest("netpol.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: metrics-only
              namespace: default
            spec:
              podSelector: {matchLabels: {app: demo}}
              policyTypes: [Ingress]
              ingress:
              - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
                ports: [{port: 8080, protocol: TCP}]
            """);

        (await s.Kubectl.RunAsync("apply", "-f", manifest)).Succeeded();
        var first = (await s.Kubectl.RunAsync("get", "netpol", "metrics-only", "-o", "jsonpath={.metadata.generation}")).Succeeded();
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("  name: metrics-only", "  name: metrics-only\n  labels: {a: b}", StringComparison.Ordinal));
        (await s.Kubectl.RunAsync("apply", "-f", manifest)).Succeeded();
        var labelled = (await s.Kubectl.RunAsync("get", "netpol", "metrics-only", "-o", "jsonpath={.metadata.generation}")).Succeeded();
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("port: 8080", "port: 9090", StringComparison.Ordinal));
        (await s.Kubectl.RunAsync("apply", "-f", manifest)).Succeeded();
        var changed = (await s.Kubectl.RunAsync("get", "netpol", "metrics-only", "-o", "jsonpath={.metadata.generation} {.spec.ingress[0].ports[0].port}")).Succeeded();

        Assert.Equal("1", first.Stdout.Trim());
        Assert.Equal("1", labelled.Stdout.Trim());
        Assert.Equal("2 9090", changed.Stdout.Trim());
    }

    [Fact]
    public async Task CrdResourceAppearsInDiscoveryAndDisappearsWithItsCrd()
    {
        await using var s = await SandboxScope.StartAsync();
        var crd = s.Manifest("crd.yaml", Manifests.WidgetCrd);

        (await s.Kubectl.RunAsync("apply", "-f", crd)).Succeeded();
        (await s.Kubectl.RunAsync("wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s")).Succeeded();
        var withCrd = (await s.Kubectl.RunAsync("api-resources", "--api-group=example.com")).Succeeded();
        (await s.Kubectl.RunAsync("delete", "-f", crd)).Succeeded();
        var without = (await s.Kubectl.RunAsync("api-resources", "--api-group=example.com")).Succeeded();
        var direct = await s.Http.GetAsync("/apis/example.com/v1/namespaces/default/widgets", TestContext.Current.CancellationToken);

        Assert.Contains("widgets", withCrd.Stdout, StringComparison.Ordinal);
        Assert.Contains("wd", withCrd.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("widgets", without.Stdout, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, direct.StatusCode);
    }

    [Fact]
    public async Task BuiltInsApplyWithDefaultValidationAndReapplyAsStrategicMergePatch()
    {
        await using var s = await SandboxScope.StartAsync();
        var manifest = s.Manifest("app.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              labels: {app: demo}
            data:
              a: "1"
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: demo
              labels: {app: demo}
            spec:
              selector: {matchLabels: {app: demo}}
              template:
                metadata: {labels: {app: demo}}
                spec:
                  containers:
                  - name: main
                    image: example/demo:1
                    env: [{name: A, value: "1"}]
            """);

        (await s.Kubectl.RunAsync("apply", "-f", manifest)).Succeeded();
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("example/demo:1", "example/demo:2", StringComparison.Ordinal));
        (await s.Kubectl.RunAsync("apply", "-f", manifest)).Succeeded();
        var image = (await s.Kubectl.RunAsync("get", "deployment", "demo", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}")).Succeeded();
        var byLabel = (await s.Kubectl.RunAsync("get", "configmaps", "-l", "app=demo", "-o", "name")).Succeeded();
        var patches = s.Sandbox.RequestLog.Where(r => r.Verb == "patch" && r.Resource == "deployments").ToList();

        Assert.Equal("example/demo:2 2", image.Stdout.Trim());
        Assert.Equal("configmap/settings", byLabel.Stdout.Trim());
        Assert.Contains(patches, p => p.ContentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal));
    }
}
