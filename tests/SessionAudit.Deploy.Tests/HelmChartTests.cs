using System.Text.Json.Nodes;
using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>The Helm chart: lint, render, schema, and what the rendered objects promise.</summary>
public sealed class HelmChartTests : IDisposable
{
    private static readonly string AllOptions = Path.Combine(RepoPaths.TestData, "all-options.values.yaml");
    private readonly Helm helm = new();

    [Fact]
    public async Task Lint_strict_passes_with_default_values()
    {
        var result = await helm.LintAsync(TestContext.Current.CancellationToken);
        result.EnsureSuccess();
        Assert.Contains("0 chart(s) failed", result.StdOut);
    }

    [Fact]
    public async Task Lint_strict_passes_with_every_option_set()
    {
        var result = await helm.LintAsync(TestContext.Current.CancellationToken, "-f", AllOptions);
        result.EnsureSuccess();
        Assert.Contains("0 chart(s) failed", result.StdOut);
    }

    [Fact]
    public async Task Default_values_render_a_hardened_two_replica_operator_with_leader_election()
    {
        var objects = await RenderAsync();

        var deployment = objects.Single("Deployment", "session-audit-operator");
        WorkloadAssertions.AssertHardened(deployment);
        Assert.Equal(2, (long?)deployment.At("spec.replicas"));
        var flags = WorkloadAssertions.Flags(deployment);
        Assert.Equal("true", flags["--leader-elect"]);
        Assert.Equal("kube-system", flags["--leader-election-namespace"]);
        Assert.Equal("8080", flags["--metrics-port"]);
        Assert.Equal("5m", flags["--resync"]);
        Assert.Equal("json", flags["--log-format"]);
        Assert.Equal("ghcr.io/session-audit/session-audit-operator:0.1.0", (string?)deployment.At("spec.template.spec.containers[0].image"));

        var service = objects.Single("Service", "session-audit-operator-metrics");
        Assert.Equal("http-metrics", (string?)service.At("spec.ports[0].targetPort"));
        Assert.DoesNotContain(objects, o => Manifests.Kind(o) == "ServiceMonitor");
        Assert.Null(objects.Single("ServiceAccount").At("metadata.annotations"));
    }

    [Fact]
    public async Task Every_option_in_the_values_file_reaches_the_rendered_objects()
    {
        var objects = await RenderAsync("-f", AllOptions);

        var deployment = objects.Single("Deployment", "audit-operator");
        WorkloadAssertions.AssertHardened(deployment);
        var pod = deployment.At("spec.template.spec")!;
        var container = pod.At("containers[0]")!;
        Assert.Equal(3, (long?)deployment.At("spec.replicas"));
        Assert.Equal(
            "registry.example.com/platform/session-audit@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            (string?)container["image"]);
        Assert.Equal("Always", (string?)container["imagePullPolicy"]);
        Assert.Equal("regcred", (string?)pod.At("imagePullSecrets[0].name"));
        Assert.Equal("audit-sa", (string?)pod["serviceAccountName"]);
        Assert.Equal("system-cluster-critical", (string?)pod["priorityClassName"]);
        Assert.Equal("linux", (string?)pod.At("nodeSelector")!["kubernetes.io/os"]);
        Assert.Equal("dedicated", (string?)pod.At("tolerations[0].key"));
        Assert.NotNull(pod.At("affinity.nodeAffinity"));
        Assert.Null(pod.At("affinity.podAntiAffinity"));
        Assert.Equal("topology.kubernetes.io/zone", (string?)pod.At("topologySpreadConstraints[0].topologyKey"));
        Assert.Equal("platform", (string?)deployment.At("spec.template.metadata.annotations")!["example.com/team"]);
        Assert.Equal("42", (string?)deployment.At("spec.template.metadata.labels")!["example.com/cost-center"]);
        Assert.Equal(10001, (long?)pod.At("securityContext.fsGroup"));
        Assert.Equal(10001, (long?)container.At("securityContext.runAsUser"));
        Assert.Equal("400Mi", (string?)container.At("resources.limits.memory"));
        Assert.Equal(9090, (long?)container.At("ports[0].containerPort"));

        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal("eu-west-1", env["AWS_REGION"]);
        Assert.Equal("http://otel-collector.observability:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("session-audit-operator", env["OTEL_SERVICE_NAME"]);
        Assert.Contains("POD_NAME", env.Keys);

        var flags = WorkloadAssertions.Flags((JsonObject)deployment);
        Assert.Equal("true", flags["--leader-elect"]);
        Assert.Equal("audit-leases", flags["--leader-election-namespace"]);
        Assert.Equal("9090", flags["--metrics-port"]);
        Assert.Equal("8", flags["--concurrency"]);
        Assert.Equal("2m30s", flags["--resync"]);
        Assert.Equal("text", flags["--log-format"]);
        Assert.Equal("Debug", flags["--log-level"]);

        var account = objects.Single("ServiceAccount", "audit-sa");
        Assert.Equal("arn:aws:iam::111122223333:role/session-audit-operator", (string?)account.At("metadata.annotations")!["eks.amazonaws.com/role-arn"]);

        var role = objects.Single("Role", "audit-operator-leader-election");
        Assert.Equal("audit-leases", Manifests.Namespace(role));
        Assert.Equal("audit-leases", Manifests.Namespace(objects.Single("RoleBinding", "audit-operator-leader-election")));
        Assert.Equal(Helm.Namespace, (string?)objects.Single("RoleBinding", "audit-operator-leader-election").At("subjects[0].namespace"));
        // The external-id Secrets stay in the release namespace, wherever the Lease goes.
        Assert.Equal(Helm.Namespace, Manifests.Namespace(objects.Single("Role", "audit-operator-secrets")));
        Assert.Equal("audit-sa", (string?)objects.Single("RoleBinding", "audit-operator-secrets").At("subjects[0].name"));

        // The user roles keep their documented names whatever fullnameOverride says; the editor aggregates on request.
        var editorLabels = objects.Single("ClusterRole", "session-audit-policy-editor").At("metadata.labels")!;
        Assert.Equal("true", (string?)editorLabels["rbac.authorization.k8s.io/aggregate-to-edit"]);
        Assert.Equal("true", (string?)editorLabels["rbac.authorization.k8s.io/aggregate-to-admin"]);
        Assert.DoesNotContain(objects.Single("ClusterRole", "session-audit-admin").At("metadata.labels")!.AsObject(), l => l.Key.StartsWith("rbac.authorization.k8s.io/aggregate-to-", StringComparison.Ordinal));

        // The NetworkPolicy follows metrics.port and admits the named namespace and the selected ones.
        var networkPolicy = objects.Single("NetworkPolicy", "audit-operator");
        Assert.Equal(9090, (long?)networkPolicy.At("spec.ingress[0].ports[0].port"));
        Assert.Equal("monitoring", (string?)networkPolicy.At("spec.ingress[0].from[0].namespaceSelector.matchLabels")!["kubernetes.io/metadata.name"]);
        Assert.Equal("true", (string?)networkPolicy.At("spec.ingress[0].from[1].namespaceSelector.matchLabels")!["example.com/scrapes-metrics"]);

        var service = objects.Single("Service", "audit-operator-metrics");
        Assert.Equal("NodePort", (string?)service.At("spec.type"));
        Assert.Equal(9191, (long?)service.At("spec.ports[0].port"));
        Assert.Equal("true", (string?)service.At("metadata.annotations")!["prometheus.io/scrape"]);

        var monitor = objects.Single("ServiceMonitor", "audit-operator");
        Assert.Equal("monitoring", Manifests.Namespace(monitor));
        Assert.Equal("kube-prometheus-stack", (string?)monitor.At("metadata.labels")!["release"]);
        Assert.Equal("15s", (string?)monitor.At("spec.endpoints[0].interval"));
        Assert.Equal("5s", (string?)monitor.At("spec.endpoints[0].scrapeTimeout"));
        Assert.Equal("/metrics", (string?)monitor.At("spec.endpoints[0].path"));
        // The ServiceMonitor must select the metrics Service.
        foreach (var (key, value) in monitor.At("spec.selector.matchLabels")!.AsObject())
        {
            Assert.Equal((string?)value, (string?)service.At("metadata.labels")![key]);
        }
    }

    [Fact]
    public async Task Every_template_renders_when_every_option_is_set()
    {
        var result = (await helm.TemplateAsync(TestContext.Current.CancellationToken, "-f", AllOptions)).EnsureSuccess();
        var templates = Directory.GetFiles(Path.Combine(RepoPaths.Chart, "templates"), "*.yaml").Select(Path.GetFileName);
        foreach (var template in templates)
        {
            Assert.Contains($"# Source: session-audit-operator/templates/{template}", result.StdOut);
        }
    }

    [Fact]
    public async Task Without_leader_election_the_operator_is_told_so_and_no_lease_role_is_made()
    {
        var objects = await RenderAsync("--set", "leaderElection.enabled=false", "--set", "replicaCount=1");
        var flags = WorkloadAssertions.Flags(objects.Single("Deployment"));
        Assert.Equal("false", flags["--leader-elect"]);
        Assert.DoesNotContain("--leader-election-namespace", flags.Keys);
        Assert.DoesNotContain(objects, o => Manifests.Kind(o) is "Role" or "RoleBinding" && Manifests.Name(o)!.EndsWith("-leader-election", StringComparison.Ordinal));
        // The external ids are read whether or not a leader is elected.
        objects.Single("Role", "session-audit-operator-secrets");
    }

    [Theory]
    [InlineData("logFormat=xml", "logFormat")]
    [InlineData("logLevel=loud", "logLevel")]
    [InlineData("resync=5minutes", "resync")]
    [InlineData("replicaCount=0", "replicaCount")]
    [InlineData("concurrency=0", "concurrency")]
    [InlineData("image.pullPolicy=Sometimes", "pullPolicy")]
    [InlineData("metrics.port=80", "port")]
    [InlineData("serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=my-role", "role-arn")]
    [InlineData("unknownSetting=1", "unknownSetting")]
    [InlineData("networkPolicy.metricsFrom[0]=Not_A_Namespace", "metricsFrom")]
    [InlineData("networkPolicy.enabled=maybe", "enabled")]
    [InlineData("rbac.aggregatePolicyEditor=yes", "aggregatePolicyEditor")]
    public async Task Values_schema_rejects_a_bad_value_naming_it(string assignment, string named)
    {
        var template = await helm.TemplateAsync(TestContext.Current.CancellationToken, "--set", assignment);
        Assert.False(template.Succeeded, $"helm template accepted {assignment}");
        Assert.Contains("values don't meet the specifications of the schema", template.StdErr);
        Assert.Contains(named, template.StdErr);

        var lint = await helm.LintAsync(TestContext.Current.CancellationToken, "--set", assignment);
        Assert.False(lint.Succeeded, $"helm lint accepted {assignment}");
        Assert.Contains(named, lint.StdOut + lint.StdErr);
    }

    [Fact]
    public async Task Several_replicas_without_leader_election_are_refused()
    {
        var result = await helm.TemplateAsync(TestContext.Current.CancellationToken, "--set", "leaderElection.enabled=false", "--set", "replicaCount=2");
        Assert.False(result.Succeeded);
        Assert.Contains("replicaCount", result.StdErr);
    }

    [Fact]
    public async Task A_service_monitor_without_the_metrics_service_is_refused()
    {
        var result = await helm.TemplateAsync(TestContext.Current.CancellationToken, "--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.service.enabled=false");
        Assert.False(result.Succeeded);
        Assert.Contains("metrics.serviceMonitor.enabled needs metrics.service.enabled", result.StdErr);
    }

    [Fact]
    public async Task Chart_and_kustomize_base_grant_the_same_rbac()
    {
        // Release "session-audit-operator" gives the chart's objects the kustomize base's names.
        var chart = await RenderAsync();
        var kustomize = Manifests.Parse((await Kubectl.Create().RunAsync(["kustomize", RepoPaths.Deploy], TestContext.Current.CancellationToken)).EnsureSuccess().StdOut);

        static SortedDictionary<string, string> Roles(IReadOnlyList<JsonObject> objects) => new(
            objects.Where(o => Manifests.Kind(o) is "ClusterRole" or "Role").ToDictionary(
                o => $"{Manifests.Kind(o)}/{Manifests.Namespace(o)}/{Manifests.Name(o)}",
                o => string.Join(", ", WorkloadAssertions.Rules(o).Order(StringComparer.Ordinal)) + " names " + string.Join(",", o["rules"]!.AsArray().Select(r => r!["resourceNames"]?.ToJsonString()))),
            StringComparer.Ordinal);
        static SortedDictionary<string, string> Bindings(IReadOnlyList<JsonObject> objects) => new(
            objects.Where(o => Manifests.Kind(o) is "ClusterRoleBinding" or "RoleBinding").ToDictionary(
                o => $"{Manifests.Kind(o)}/{Manifests.Namespace(o)}/{Manifests.Name(o)}",
                o => $"{o.At("roleRef")!.ToJsonString()} {o["subjects"]!.ToJsonString()}"),
            StringComparer.Ordinal);

        Assert.Equal(Roles(kustomize), Roles(chart));
        Assert.Equal(Bindings(kustomize), Bindings(chart));
        Assert.Equal(
            new[] { "ClusterRole//session-audit-admin", "ClusterRole//session-audit-operator", "ClusterRole//session-audit-policy-editor",
             "Role/kube-system/session-audit-operator-leader-election", "Role/session-audit-system/session-audit-operator-secrets" },
            Roles(chart).Keys.ToArray());
    }

    [Fact]
    public async Task User_cluster_roles_grant_exactly_authoring_and_administration()
    {
        var objects = await RenderAsync();

        var editor = objects.Single("ClusterRole", "session-audit-policy-editor");
        Assert.Equal(
            new HashSet<string>
            {
                "sessionaudit.io|sessionloggingpolicies|create", "sessionaudit.io|sessionloggingpolicies|update",
                "sessionaudit.io|sessionloggingpolicies|patch", "sessionaudit.io|sessionloggingpolicies|delete",
                "sessionaudit.io|sessionloggingpolicies|get", "sessionaudit.io|sessionloggingpolicies|list",
                "sessionaudit.io|sessionloggingpolicies|watch",
                "sessionaudit.io|awsaccounts|get", "sessionaudit.io|awsaccounts|list", "sessionaudit.io|awsaccounts|watch",
            },
            WorkloadAssertions.Rules(editor));

        // Only the operator reports status, only cluster admins own the accounts: no write on either, no wildcard.
        var editorRules = WorkloadAssertions.Rules(editor);
        Assert.DoesNotContain(editorRules, r => r.Contains("/status", StringComparison.Ordinal) || r.Contains('*', StringComparison.Ordinal));
        Assert.DoesNotContain(editorRules, r => r.StartsWith("sessionaudit.io|awsaccounts|", StringComparison.Ordinal) && r.Split('|')[2] is not ("get" or "list" or "watch"));

        var admin = objects.Single("ClusterRole", "session-audit-admin");
        Assert.Equal(
            new HashSet<string> { "sessionaudit.io|sessionloggingpolicies|*", "sessionaudit.io|sessionloggingpolicies/status|*", "sessionaudit.io|awsaccounts|*" },
            WorkloadAssertions.Rules(admin));

        // Not aggregated into the built-in edit/admin roles unless asked (rbac.aggregatePolicyEditor), and bound to nobody.
        foreach (var role in new[] { editor, admin })
        {
            Assert.DoesNotContain(role.At("metadata.labels")!.AsObject(), l => l.Key.StartsWith("rbac.authorization.k8s.io/aggregate-to-", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(objects, o => Manifests.Kind(o) is "ClusterRoleBinding" or "RoleBinding" && (string?)o.At("roleRef.name") is "session-audit-policy-editor" or "session-audit-admin");

        var opted = await RenderAsync("--set", "rbac.aggregatePolicyEditor=true");
        var labels = opted.Single("ClusterRole", "session-audit-policy-editor").At("metadata.labels")!;
        Assert.Equal("true", (string?)labels["rbac.authorization.k8s.io/aggregate-to-edit"]);
        Assert.Equal("true", (string?)labels["rbac.authorization.k8s.io/aggregate-to-admin"]);
        Assert.DoesNotContain(opted.Single("ClusterRole", "session-audit-admin").At("metadata.labels")!.AsObject(), l => l.Key.StartsWith("rbac.authorization.k8s.io/aggregate-to-", StringComparison.Ordinal));

        Assert.DoesNotContain(await RenderAsync("--set", "rbac.userRoles=false"), o => Manifests.Name(o) is "session-audit-policy-editor" or "session-audit-admin");
    }

    [Fact]
    public async Task Network_policy_is_on_by_default_and_admits_nobody_until_namespaces_are_named()
    {
        var objects = await RenderAsync();
        var policy = objects.Single("NetworkPolicy", "session-audit-operator");
        Assert.Equal(Helm.Namespace, Manifests.Namespace(policy));
        AssertSelectsOperatorPods(policy, objects.Single("Deployment"));
        // Ingress only: egress (API server, AWS endpoints) is not restricted.
        Assert.Equal(new[] { "Ingress" }, policy.At("spec.policyTypes")!.AsArray().Select(t => (string?)t));
        // An empty list, not a rule without "from" (which would admit everyone).
        Assert.Empty(policy.At("spec.ingress")!.AsArray());

        Assert.DoesNotContain(await RenderAsync("--set", "networkPolicy.enabled=false"), o => Manifests.Kind(o) == "NetworkPolicy");
    }

    [Fact]
    public async Task Network_policy_lets_the_named_namespaces_in_on_the_metrics_port_only()
    {
        var objects = await RenderAsync("--set-json", """networkPolicy.metricsFrom=["monitoring",{"matchExpressions":[{"key":"team","operator":"In","values":["sre"]}]}]""");
        var policy = objects.Single("NetworkPolicy", "session-audit-operator");

        var rule = Assert.Single(policy.At("spec.ingress")!.AsArray())!;
        var port = Assert.Single(rule["ports"]!.AsArray())!;
        Assert.Equal(8080, (long?)port["port"]);
        Assert.Equal("TCP", (string?)port["protocol"]);
        Assert.Null(port["endPort"]);

        var from = rule["from"]!.AsArray();
        Assert.Equal(2, from.Count);
        Assert.All(from, peer => Assert.Equal(new[] { "namespaceSelector" }, peer!.AsObject().Select(p => p.Key)));
        Assert.Equal("monitoring", (string?)from[0]!.At("namespaceSelector.matchLabels")!["kubernetes.io/metadata.name"]);
        Assert.Equal("team", (string?)from[1]!.At("namespaceSelector.matchExpressions[0].key"));
    }

    [Fact]
    public async Task Chart_and_kustomize_component_render_the_same_network_policy()
    {
        var ct = TestContext.Current.CancellationToken;
        var kubectl = Kubectl.Create();

        // The component alone: the chart's default (nobody admitted).
        var bare = await KustomizeOverlayAsync(kubectl, "", ct);
        var chartDefault = (await RenderAsync()).Single("NetworkPolicy");
        Assert.True(JsonNode.DeepEquals(Ingress(chartDefault), Ingress(bare.Single("NetworkPolicy"))), $"{Ingress(chartDefault)} vs {Ingress(bare.Single("NetworkPolicy"))}");
        AssertSelectsOperatorPods(bare.Single("NetworkPolicy"), bare.Single("Deployment"));

        // With the patch docs/INSTALL.md shows: the chart with metricsFrom=[monitoring].
        var patched = await KustomizeOverlayAsync(kubectl, """
            patches:
              - target: {kind: NetworkPolicy, name: session-audit-operator}
                patch: |-
                  - op: add
                    path: /spec/ingress/-
                    value:
                      from:
                        - namespaceSelector:
                            matchLabels:
                              kubernetes.io/metadata.name: monitoring
                      ports:
                        - port: 8080
                          protocol: TCP
            """, ct);
        var chartNamed = (await RenderAsync("--set", "networkPolicy.metricsFrom={monitoring}")).Single("NetworkPolicy");
        Assert.True(JsonNode.DeepEquals(Ingress(chartNamed), Ingress(patched.Single("NetworkPolicy"))), $"{Ingress(chartNamed)} vs {Ingress(patched.Single("NetworkPolicy"))}");

        static JsonObject Ingress(JsonObject policy) => new()
        {
            ["policyTypes"] = policy.At("spec.policyTypes")!.DeepClone(),
            ["ingress"] = policy.At("spec.ingress")!.DeepClone(),
        };
    }

    // An overlay of the base with the NetworkPolicy component, in a temporary folder next to nothing else.
    internal static async Task<IReadOnlyList<JsonObject>> KustomizeOverlayAsync(Tool kubectl, string extra, CancellationToken ct) =>
        Manifests.Parse(await KustomizeOverlayYamlAsync(kubectl, extra, ct));

    internal static async Task<string> KustomizeOverlayYamlAsync(Tool kubectl, string extra, CancellationToken ct)
    {
        var overlay = Directory.CreateTempSubdirectory("session-audit-overlay-").FullName;
        try
        {
            var relative = (string path) => Path.GetRelativePath(overlay, path).Replace('\\', '/');
            await File.WriteAllTextAsync(Path.Combine(overlay, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - {relative(RepoPaths.Deploy)}
                components:
                  - {relative(RepoPaths.NetworkPolicyComponent)}

                """ + extra, ct);
            return (await kubectl.RunAsync(["kustomize", overlay], ct)).EnsureSuccess().StdOut;
        }
        finally
        {
            Directory.Delete(overlay, recursive: true);
        }
    }

    private static void AssertSelectsOperatorPods(JsonObject policy, JsonObject deployment)
    {
        var podLabels = deployment.At("spec.template.metadata.labels")!.AsObject();
        var selector = policy.At("spec.podSelector.matchLabels")!.AsObject();
        Assert.NotEmpty(selector);
        foreach (var (key, value) in selector)
        {
            Assert.Equal((string?)value, (string?)podLabels[key]);
        }
    }

    [Fact]
    public async Task Chart_and_kustomize_base_size_the_operator_alike()
    {
        var chart = await RenderAsync();
        var kustomize = Manifests.Parse((await Kubectl.Create().RunAsync(["kustomize", RepoPaths.Deploy], TestContext.Current.CancellationToken)).EnsureSuccess().StdOut);

        JsonNode? Resources(IReadOnlyList<JsonObject> objects) => objects.Single("Deployment", "session-audit-operator").At("spec.template.spec.containers[0].resources");
        Assert.True(JsonNode.DeepEquals(Resources(kustomize), Resources(chart)), $"kustomize {Resources(kustomize)} vs chart {Resources(chart)}");
    }

    [Theory]
    [InlineData("sessionloggingpolicies.sessionaudit.io.yaml")]
    [InlineData("awsaccounts.sessionaudit.io.yaml")]
    public void Chart_crd_is_byte_for_byte_the_generated_crd_in_deploy(string file)
    {
        var deployCrd = Path.Combine(RepoPaths.Deploy, "crd", file);
        var chartCrd = Path.Combine(RepoPaths.Chart, "crds", file);
        Assert.True(File.Exists(deployCrd), $"{deployCrd} is missing: generate it with `session-audit crd`");
        Assert.True(File.Exists(chartCrd), $"{chartCrd} is missing: copy {deployCrd} there");
        Assert.True(
            File.ReadAllBytes(deployCrd).AsSpan().SequenceEqual(File.ReadAllBytes(chartCrd)),
            $"{chartCrd} differs from {deployCrd}: copy the generated CRD into the chart");
    }

    [Fact]
    public void Chart_and_deploy_hold_the_same_crd_files()
    {
        static IEnumerable<string?> Files(string folder) => Directory.GetFiles(folder, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(RepoPaths.CrdFiles.Order(StringComparer.Ordinal), Files(Path.Combine(RepoPaths.Deploy, "crd")));
        Assert.Equal(RepoPaths.CrdFiles.Order(StringComparer.Ordinal), Files(Path.Combine(RepoPaths.Chart, "crds")));
    }

    [Fact]
    public async Task Chart_installs_both_crds_from_crds_folder()
    {
        var objects = await RenderAsync("--include-crds");
        foreach (var name in new[] { "sessionloggingpolicies.sessionaudit.io", "awsaccounts.sessionaudit.io" })
        {
            var crd = objects.Single("CustomResourceDefinition", name);
            Assert.Equal("Cluster", (string?)crd.At("spec.scope"));
        }

        Assert.Equal(2, objects.Count(o => Manifests.Kind(o) == "CustomResourceDefinition"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Notes_tell_the_user_what_to_do_next(bool withRole)
    {
        var notes = await RenderNotesAsync(withRole
            ? ["--set", "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::111122223333:role/ops"]
            : []);

        Assert.Contains("kubectl -n session-audit-system rollout status deployment/session-audit-operator", notes);
        Assert.Contains("kubectl apply -f deploy/examples/", notes);
        Assert.Contains("kubectl get slp", notes);
        Assert.Contains("/metrics", notes);
        Assert.Contains("port-forward pod/<that pod> 8081", notes);
        Assert.Contains("system:serviceaccount:session-audit-system:session-audit-operator", notes);
        // The default NetworkPolicy admits nobody to the metrics port: say so where the user looks.
        Assert.Contains("networkPolicy.metricsFrom is empty", notes);
        if (withRole)
        {
            Assert.Contains("arn:aws:iam::111122223333:role/ops (IRSA)", notes);
        }
        else
        {
            Assert.Contains("The operator has no IAM role yet", notes);
        }
    }

    [Fact]
    public void Every_value_is_commented_and_described_in_the_schema()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.schema.json")))!;
        var values = Manifests.ParseFile(Path.Combine(RepoPaths.Chart, "values.yaml")).Single();
        Assert.Equal(false, (bool?)schema["additionalProperties"]);
        foreach (var (key, _) in values)
        {
            var property = schema["properties"]?[key];
            Assert.True(property is not null, $"values.yaml key {key} is not in values.schema.json");
        }

        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Chart, "values.yaml"));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var isTopLevelKey = line.Length > 0 && char.IsLetter(line[0]) && line.Contains(':', StringComparison.Ordinal);
            var isScalarLeaf = isTopLevelKey && !line.TrimEnd().EndsWith(':');
            if (isScalarLeaf)
            {
                Assert.True(i > 0 && lines[i - 1].TrimStart().StartsWith('#'), $"values.yaml line {i + 1} ({line}) has no comment above it");
            }
        }
    }

    private async Task<IReadOnlyList<JsonObject>> RenderAsync(params string[] extra)
    {
        var result = (await helm.TemplateAsync(TestContext.Current.CancellationToken, extra)).EnsureSuccess();
        return Manifests.Parse(result.StdOut);
    }

    // helm template never renders NOTES.txt, and install needs a cluster: render a copy of the
    // chart in which a ConfigMap carries the notes.
    private async Task<string> RenderNotesAsync(string[] extra)
    {
        var copy = Directory.CreateTempSubdirectory("session-audit-chart-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(RepoPaths.Chart, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(RepoPaths.Chart, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            var notes = File.ReadAllText(Path.Combine(copy, "templates", "NOTES.txt"));
            File.WriteAllText(Path.Combine(copy, "templates", "_notes_under_test.tpl"), "{{- define \"test.notes\" -}}\n" + notes + "{{- end }}\n");
            File.WriteAllText(Path.Combine(copy, "templates", "notes-under-test.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: {{ include \"test.notes\" . | toJson }}\n");

            var result = (await helm.TemplateChartAsync(copy, TestContext.Current.CancellationToken, ["--show-only", "templates/notes-under-test.yaml", .. extra])).EnsureSuccess();
            return (string)Manifests.Parse(result.StdOut).Single().At("data.notes")!;
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    public void Dispose() => helm.Dispose();
}
