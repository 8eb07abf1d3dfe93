using System.Text.Json.Nodes;
using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>The kustomize base, the examples and the rendered chart applied with the real kubectl to the Kubernetes API sandbox.</summary>
public sealed class SandboxApplyTests
{
    private const string Crd = "customresourcedefinition.apiextensions.k8s.io/sessionloggingpolicies.sessionaudit.io";
    private const string AccountCrd = "customresourcedefinition.apiextensions.k8s.io/awsaccounts.sessionaudit.io";

    [Fact]
    public async Task Kustomize_base_applies_and_every_object_reads_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxCluster.StartAsync(ct);

        (await cluster.KubectlAsync(ct, "apply", "-k", RepoPaths.Deploy)).EnsureSuccess();

        var expected = await KustomizeBaseTests.RenderAsync();
        var applied = await GetAsync(cluster, ct, "-k", RepoPaths.Deploy);
        Assert.Equal(Keys(expected), Keys(applied));

        var deployment = applied.Single("Deployment", "session-audit-operator");
        WorkloadAssertions.AssertHardened(deployment);
        Assert.NotNull(deployment.At("metadata.uid"));
        // The objects this release added read back too.
        applied.Single("CustomResourceDefinition", "awsaccounts.sessionaudit.io");
        applied.Single("ClusterRole", "session-audit-policy-editor");
        applied.Single("ClusterRole", "session-audit-admin");
        Assert.Equal("session-audit-system", Manifests.Namespace(applied.Single("Role", "session-audit-operator-secrets")));
    }

    [Fact]
    public async Task Kustomize_base_with_the_network_policy_component_applies_and_reads_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxCluster.StartAsync(ct);

        var manifest = Path.Combine(cluster.Folder, "overlay.yaml");
        var yaml = await HelmChartTests.KustomizeOverlayYamlAsync(Kubectl.Create(), "", ct);
        await File.WriteAllTextAsync(manifest, yaml, ct);
        var rendered = Manifests.Parse(yaml);
        (await cluster.KubectlAsync(ct, "apply", "-f", manifest)).EnsureSuccess();

        var applied = await GetAsync(cluster, ct, "-f", manifest);
        Assert.Equal(Keys(rendered), Keys(applied));
        var policy = applied.Single("NetworkPolicy", "session-audit-operator");
        Assert.Equal("session-audit-system", Manifests.Namespace(policy));
        Assert.Equal(1, (long?)policy.At("metadata.generation"));
    }

    [Fact]
    public async Task Applying_the_base_twice_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxCluster.StartAsync(ct);
        (await cluster.KubectlAsync(ct, "apply", "-k", RepoPaths.Deploy)).EnsureSuccess();

        var again = (await cluster.KubectlAsync(ct, "apply", "-k", RepoPaths.Deploy)).EnsureSuccess();
        var lines = again.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((await KustomizeBaseTests.RenderAsync()).Count, lines.Length);
        Assert.All(lines, line => Assert.EndsWith(" unchanged", line));
    }

    [Fact]
    public async Task Example_policies_are_accepted_by_the_installed_crd()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxCluster.StartAsync(ct);
        (await cluster.KubectlAsync(ct, "apply", "-k", RepoPaths.Deploy)).EnsureSuccess();
        (await cluster.KubectlAsync(ct, "wait", "--for=condition=Established", "--timeout=30s", Crd, AccountCrd)).EnsureSuccess();

        (await cluster.KubectlAsync(ct, "apply", "-k", RepoPaths.In("deploy", "examples"))).EnsureSuccess();

        var policies = await GetAsync(cluster, ct, "slp");
        Assert.Equal(
            ExamplePoliciesTests.All().Select(p => Manifests.Name(p)).Order(StringComparer.Ordinal),
            policies.Select(p => Manifests.Name(p)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_policy_outside_the_schema_is_refused_so_the_examples_check_has_teeth()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxCluster.StartAsync(ct);
        (await cluster.KubectlAsync(ct, "apply", "-k", RepoPaths.Deploy)).EnsureSuccess();
        (await cluster.KubectlAsync(ct, "wait", "--for=condition=Established", "--timeout=30s", Crd)).EnsureSuccess();

        var bad = Path.Combine(cluster.Folder, "bad.yaml");
        var example = await File.ReadAllTextAsync(RepoPaths.In("deploy", "examples", "s3-cloudwatch-kms.yaml"), ct);
        await File.WriteAllTextAsync(bad, example.Replace("idleTimeoutMinutes: 20", "idleTimeoutMinutes: 0", StringComparison.Ordinal), ct);

        var result = await cluster.KubectlAsync(ct, "apply", "-f", bad);
        Assert.False(result.Succeeded, "an idle timeout of 0 minutes was accepted");
        Assert.Contains("idleTimeoutMinutes", result.StdErr);
    }

    [Fact]
    public async Task Chart_rendered_with_default_values_applies_and_reads_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxCluster.StartAsync(ct);
        using var helm = new Helm();

        var manifest = Path.Combine(cluster.Folder, "chart.yaml");
        var rendered = (await helm.TemplateAsync(ct, "--include-crds")).EnsureSuccess().StdOut;
        await File.WriteAllTextAsync(manifest, rendered, ct);

        await cluster.CreateNamespaceAsync(Helm.Namespace, ct);
        (await cluster.KubectlAsync(ct, "apply", "-f", manifest)).EnsureSuccess();

        var applied = await GetAsync(cluster, ct, "-f", manifest);
        Assert.Equal(Keys(Manifests.Parse(rendered)), Keys(applied));
        WorkloadAssertions.AssertHardened(applied.Single("Deployment"));
    }

    [Fact]
    public async Task Chart_rendered_with_every_option_applies_and_reads_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxCluster.StartAsync(ct);
        using var helm = new Helm();

        // The Prometheus Operator is not installed: give its ServiceMonitor kind a stand-in CRD.
        (await cluster.KubectlAsync(ct, "apply", "-f", Path.Combine(RepoPaths.TestData, "servicemonitor-crd.yaml"))).EnsureSuccess();
        (await cluster.KubectlAsync(ct, "wait", "--for=condition=Established", "--timeout=30s",
            "customresourcedefinition.apiextensions.k8s.io/servicemonitors.monitoring.coreos.com")).EnsureSuccess();
        foreach (var ns in new[] { Helm.Namespace, "audit-leases", "monitoring" })
        {
            await cluster.CreateNamespaceAsync(ns, ct);
        }

        var manifest = Path.Combine(cluster.Folder, "chart.yaml");
        var rendered = (await helm.TemplateAsync(ct, "--include-crds", "-f", Path.Combine(RepoPaths.TestData, "all-options.values.yaml"))).EnsureSuccess().StdOut;
        await File.WriteAllTextAsync(manifest, rendered, ct);
        (await cluster.KubectlAsync(ct, "apply", "-f", manifest)).EnsureSuccess();

        var applied = await GetAsync(cluster, ct, "-f", manifest);
        Assert.Equal(Keys(Manifests.Parse(rendered)), Keys(applied));
        Assert.Equal("monitoring", Manifests.Namespace(applied.Single("ServiceMonitor")));
        Assert.Equal("audit-leases", Manifests.Namespace(applied.Single("Role", "audit-operator-leader-election")));
        Assert.Equal(Helm.Namespace, Manifests.Namespace(applied.Single("NetworkPolicy", "audit-operator")));
    }

    private static async Task<IReadOnlyList<JsonObject>> GetAsync(SandboxCluster cluster, CancellationToken ct, params string[] what)
    {
        var result = (await cluster.KubectlAsync(ct, ["get", .. what, "-o", "json"])).EnsureSuccess();
        var json = JsonNode.Parse(result.StdOut)!.AsObject();
        return (string?)json["kind"] == "List" || json["items"] is not null
            ? json["items"]!.AsArray().Cast<JsonObject>().ToList()
            : [json];
    }

    private static SortedSet<string> Keys(IEnumerable<JsonObject> objects) =>
        new(objects.Select(o => $"{Manifests.Kind(o)}/{Manifests.Namespace(o)}/{Manifests.Name(o)}"), StringComparer.Ordinal);
}
