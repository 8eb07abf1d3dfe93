using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>`kubectl kustomize deploy`: the objects, their least-privilege RBAC and the hardened Deployment.</summary>
public sealed class KustomizeBaseTests
{
    [Fact]
    public async Task Base_renders_crd_namespace_account_rbac_deployment_and_metrics_service()
    {
        var objects = await RenderAsync();
        objects.Single("CustomResourceDefinition", "sessionloggingpolicies.sessionaudit.io");
        objects.Single("Namespace", "session-audit-system");
        objects.Single("ServiceAccount", "session-audit-operator");
        objects.Single("ClusterRole", "session-audit-operator");
        objects.Single("ClusterRoleBinding", "session-audit-operator");
        objects.Single("Role", "session-audit-operator-leader-election");
        objects.Single("RoleBinding", "session-audit-operator-leader-election");
        objects.Single("Service", "session-audit-operator-metrics");
        // Everything in the operator's namespace but the Lease's Role and RoleBinding: one Lease per cluster, in kube-system.
        Assert.All(objects.Where(o => Manifests.Kind(o) is not ("CustomResourceDefinition" or "Namespace" or "ClusterRole" or "ClusterRoleBinding" or "Role" or "RoleBinding")),
            o => Assert.Equal("session-audit-system", Manifests.Namespace(o)));
        Assert.All(objects.Where(o => Manifests.Kind(o) is "Role" or "RoleBinding"), o => Assert.Equal("kube-system", Manifests.Namespace(o)));
    }

    [Fact]
    public async Task Deployment_runs_two_hardened_replicas_with_leader_election_and_sized_resources()
    {
        var deployment = (await RenderAsync()).Single("Deployment", "session-audit-operator");
        WorkloadAssertions.AssertHardened(deployment);
        Assert.Equal(2, (long?)deployment.At("spec.replicas"));
        var flags = WorkloadAssertions.Flags(deployment);
        Assert.Equal("true", flags["--leader-elect"]);
        // One Lease per cluster for cluster-scoped policies: a second install competes for it (docs/CONTROLLER-RUNTIME.md).
        Assert.Equal("kube-system", flags["--leader-election-namespace"]);
        Assert.Equal("8080", flags["--metrics-port"]);

        // Sized from the bench (docs/PERFORMANCE.md): up to 255 MB steady with 10,000 policies, peaks near 290 MB.
        var container = deployment.At("spec.template.spec.containers[0]")!;
        Assert.Equal("256Mi", (string?)container.At("resources.requests.memory"));
        Assert.Equal("320Mi", (string?)container.At("resources.limits.memory"));
    }

    [Fact]
    public async Task Rbac_grants_only_the_policies_their_status_events_and_a_namespaced_lease()
    {
        var objects = await RenderAsync();
        var cluster = WorkloadAssertions.Rules(objects.Single("ClusterRole"));
        Assert.Equal(
            new HashSet<string>
            {
                "sessionaudit.io|sessionloggingpolicies|get", "sessionaudit.io|sessionloggingpolicies|list",
                "sessionaudit.io|sessionloggingpolicies|watch", "sessionaudit.io|sessionloggingpolicies|patch",
                "sessionaudit.io|sessionloggingpolicies/status|update",
                "|events|create", "|events|patch",
            },
            cluster);

        var lease = objects.Single("Role");
        Assert.Equal("kube-system", Manifests.Namespace(lease));
        Assert.Equal("kube-system", Manifests.Namespace(objects.Single("RoleBinding")));
        Assert.Equal("session-audit-system", (string?)objects.Single("RoleBinding").At("subjects[0].namespace"));

        // In kube-system the Lease rights stop at our Lease's name: get and update of the scheduler's would be a takeover.
        Assert.Equal("session-audit-operator", (string?)lease.At("rules[1].resourceNames[0]"));
        Assert.Equal(new HashSet<string> { "coordination.k8s.io|leases|get", "coordination.k8s.io|leases|create", "coordination.k8s.io|leases|update" },
            WorkloadAssertions.Rules(lease));

        Assert.Equal("session-audit-operator", (string?)objects.Single("ClusterRoleBinding").At("subjects[0].name"));
        Assert.Equal("session-audit-operator", (string?)objects.Single("RoleBinding").At("subjects[0].name"));
    }

    [Fact]
    public async Task Metrics_service_selects_the_operator_pods_on_the_named_metrics_port()
    {
        var objects = await RenderAsync();
        var service = objects.Single("Service");
        var podLabels = objects.Single("Deployment").At("spec.template.metadata.labels")!.AsObject();
        foreach (var (key, value) in service.At("spec.selector")!.AsObject())
        {
            Assert.Equal((string?)value, (string?)podLabels[key]);
        }

        Assert.Equal("http-metrics", (string?)service.At("spec.ports[0].targetPort"));
    }

    internal static async Task<IReadOnlyList<System.Text.Json.Nodes.JsonObject>> RenderAsync()
    {
        var result = (await Kubectl.Create().RunAsync(["kustomize", RepoPaths.Deploy], TestContext.Current.CancellationToken)).EnsureSuccess();
        return Manifests.Parse(result.StdOut);
    }
}
