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

        var role = objects.Single("Role");
        Assert.Equal("audit-leases", Manifests.Namespace(role));
        Assert.Equal("audit-leases", Manifests.Namespace(objects.Single("RoleBinding")));
        Assert.Equal(Helm.Namespace, (string?)objects.Single("RoleBinding").At("subjects[0].namespace"));

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
        Assert.DoesNotContain(objects, o => Manifests.Kind(o) is "Role" or "RoleBinding");
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
        var chart = await RenderAsync();
        var kustomize = Manifests.Parse((await Kubectl.Create().RunAsync(["kustomize", RepoPaths.Deploy], TestContext.Current.CancellationToken)).EnsureSuccess().StdOut);

        Assert.Equal(WorkloadAssertions.Rules(kustomize.Single("ClusterRole")), WorkloadAssertions.Rules(chart.Single("ClusterRole")));
        Assert.Equal(WorkloadAssertions.Rules(kustomize.Single("Role")), WorkloadAssertions.Rules(chart.Single("Role")));
    }

    [Fact]
    public async Task Chart_and_kustomize_base_size_the_operator_alike()
    {
        var chart = await RenderAsync();
        var kustomize = Manifests.Parse((await Kubectl.Create().RunAsync(["kustomize", RepoPaths.Deploy], TestContext.Current.CancellationToken)).EnsureSuccess().StdOut);

        JsonNode? Resources(IReadOnlyList<JsonObject> objects) => objects.Single("Deployment", "session-audit-operator").At("spec.template.spec.containers[0].resources");
        Assert.True(JsonNode.DeepEquals(Resources(kustomize), Resources(chart)), $"kustomize {Resources(kustomize)} vs chart {Resources(chart)}");
    }

    [Fact]
    public void Chart_crd_is_byte_for_byte_the_generated_crd_in_deploy()
    {
        Assert.True(File.Exists(RepoPaths.DeployCrd), $"{RepoPaths.DeployCrd} is missing: generate it with `session-audit crd`");
        Assert.True(File.Exists(RepoPaths.ChartCrd), $"{RepoPaths.ChartCrd} is missing: copy {RepoPaths.DeployCrd} there");
        Assert.True(
            File.ReadAllBytes(RepoPaths.DeployCrd).AsSpan().SequenceEqual(File.ReadAllBytes(RepoPaths.ChartCrd)),
            $"{RepoPaths.ChartCrd} differs from {RepoPaths.DeployCrd}: copy the generated CRD into the chart");
    }

    [Fact]
    public async Task Chart_installs_the_crd_from_crds_folder()
    {
        var objects = await RenderAsync("--include-crds");
        var crd = objects.Single("CustomResourceDefinition", "sessionloggingpolicies.sessionaudit.io");
        Assert.Equal("Cluster", (string?)crd.At("spec.scope"));
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
