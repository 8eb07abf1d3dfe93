using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>`kubectl kustomize deploy`: the objects, their least-privilege RBAC and the hardened Deployment.</summary>
public sealed class KustomizeBaseTests
{
    [Fact]
    public async Task Base_renders_crds_namespace_account_rbac_deployment_and_metrics_service()
    {
        var objects = await RenderAsync();
        objects.Single("CustomResourceDefinition", "sessionloggingpolicies.sessionaudit.io");
        objects.Single("CustomResourceDefinition", "awsaccounts.sessionaudit.io");
        objects.Single("ClusterRole", "session-audit-policy-editor");
        objects.Single("ClusterRole", "session-audit-admin");
        objects.Single("Role", "session-audit-operator-secrets");
        objects.Single("RoleBinding", "session-audit-operator-secrets");
        objects.Single("Namespace", "session-audit-system");
        objects.Single("ServiceAccount", "session-audit-operator");
        objects.Single("ClusterRole", "session-audit-operator");
        objects.Single("ClusterRoleBinding", "session-audit-operator");
        objects.Single("Role", "session-audit-operator-leader-election");
        objects.Single("RoleBinding", "session-audit-operator-leader-election");
        objects.Single("Service", "session-audit-operator-metrics");
        // Everything in the operator's namespace but the Lease's Role and RoleBinding: one Lease per cluster, in kube-system.
        static bool Lease(System.Text.Json.Nodes.JsonObject o) => Manifests.Name(o) == "session-audit-operator-leader-election";
        Assert.All(objects.Where(o => Manifests.Kind(o) is not ("CustomResourceDefinition" or "Namespace" or "ClusterRole" or "ClusterRoleBinding") && !Lease(o)),
            o => Assert.Equal("session-audit-system", Manifests.Namespace(o)));
        Assert.All(objects.Where(Lease), o => Assert.Equal("kube-system", Manifests.Namespace(o)));
        Assert.Equal(2, objects.Count(Lease));
        // The NetworkPolicy is an opt-in component (deploy/components/networkpolicy), not in the base.
        Assert.DoesNotContain(objects, o => Manifests.Kind(o) == "NetworkPolicy");
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

        // Sized from the bench (docs/PERFORMANCE.md): up to 177 MiB settled with 500 policies, peaks near 290 MiB with 10,000.
        var container = deployment.At("spec.template.spec.containers[0]")!;
        Assert.Equal("192Mi", (string?)container.At("resources.requests.memory"));
        Assert.Equal("320Mi", (string?)container.At("resources.limits.memory"));
    }

    [Fact]
    public async Task Rbac_grants_only_the_policies_their_status_the_accounts_events_a_namespaced_lease_and_secret_gets()
    {
        var objects = await RenderAsync();
        var cluster = WorkloadAssertions.Rules(objects.Single("ClusterRole", "session-audit-operator"));
        Assert.Equal(
            new HashSet<string>
            {
                "sessionaudit.io|sessionloggingpolicies|get", "sessionaudit.io|sessionloggingpolicies|list",
                "sessionaudit.io|sessionloggingpolicies|watch", "sessionaudit.io|sessionloggingpolicies|patch",
                "sessionaudit.io|sessionloggingpolicies/status|update",
                // AwsAccounts are read, never written.
                "sessionaudit.io|awsaccounts|list", "sessionaudit.io|awsaccounts|watch",
                "|events|create", "|events|patch",
            },
            cluster);

        var lease = objects.Single("Role", "session-audit-operator-leader-election");
        var leaseBinding = objects.Single("RoleBinding", "session-audit-operator-leader-election");
        Assert.Equal("kube-system", Manifests.Namespace(lease));
        Assert.Equal("kube-system", Manifests.Namespace(leaseBinding));
        Assert.Equal("session-audit-system", (string?)leaseBinding.At("subjects[0].namespace"));

        // In kube-system the Lease rights stop at our Lease's name: get and update of the scheduler's would be a takeover.
        Assert.Equal("session-audit-operator", (string?)lease.At("rules[1].resourceNames[0]"));
        Assert.Equal(new HashSet<string> { "coordination.k8s.io|leases|get", "coordination.k8s.io|leases|create", "coordination.k8s.io|leases|update" },
            WorkloadAssertions.Rules(lease));

        // Secrets: get only (one named Secret per AwsAccount), only in the operator's own namespace.
        var secrets = objects.Single("Role", "session-audit-operator-secrets");
        var secretsBinding = objects.Single("RoleBinding", "session-audit-operator-secrets");
        Assert.Equal("session-audit-system", Manifests.Namespace(secrets));
        Assert.Equal("session-audit-system", Manifests.Namespace(secretsBinding));
        Assert.Equal(new HashSet<string> { "|secrets|get" }, WorkloadAssertions.Rules(secrets));
        Assert.Equal("session-audit-operator-secrets", (string?)secretsBinding.At("roleRef.name"));
        Assert.Equal("Role", (string?)secretsBinding.At("roleRef.kind"));
        Assert.Equal("session-audit-system", (string?)secretsBinding.At("subjects[0].namespace"));
        // No other object may read Secrets.
        Assert.DoesNotContain(objects.Where(o => Manifests.Kind(o) is "ClusterRole" or "Role" && o != secrets),
            o => WorkloadAssertions.Rules(o).Any(r => r.Split('|')[1] is "secrets" or "*"));

        Assert.Equal("session-audit-operator", (string?)objects.Single("ClusterRoleBinding").At("subjects[0].name"));
        Assert.Equal("session-audit-operator", (string?)leaseBinding.At("subjects[0].name"));
        Assert.Equal("session-audit-operator", (string?)secretsBinding.At("subjects[0].name"));
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
