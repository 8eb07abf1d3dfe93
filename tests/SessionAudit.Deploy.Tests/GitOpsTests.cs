using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>The Flux and Argo CD manifests shipped in deploy/ and the documentation of the status they rely on.</summary>
public sealed class GitOpsTests
{
    [Fact]
    public void Flux_kustomizations_wait_for_the_operator_and_every_policy()
    {
        var objects = Manifests.ParseFile(RepoPaths.In("deploy", "flux", "session-audit.yaml"));
        var source = objects.Single("GitRepository", "session-audit-operator");
        Assert.Equal("source.toolkit.fluxcd.io/v1", (string?)source["apiVersion"]);

        var operatorKs = objects.Single("Kustomization", "session-audit-operator");
        Assert.Equal("kustomize.toolkit.fluxcd.io/v1", (string?)operatorKs["apiVersion"]);
        Assert.Equal("./deploy", (string?)operatorKs.At("spec.path"));
        var checks = operatorKs.At("spec.healthChecks")!.AsArray().Select(c => $"{(string?)c!["kind"]}/{(string?)c["name"]}").ToList();
        Assert.Contains("CustomResourceDefinition/sessionloggingpolicies.sessionaudit.io", checks);
        Assert.Contains("Deployment/session-audit-operator", checks);

        var policies = objects.Single("Kustomization", "session-audit-policies");
        Assert.True((bool?)policies.At("spec.wait"));
        Assert.Equal("session-audit-operator", (string?)policies.At("spec.dependsOn[0].name"));
        Assert.True(Directory.Exists(RepoPaths.In((string)policies.At("spec.path")!)));
    }

    [Fact]
    public void Argo_cd_applications_point_at_folders_that_exist()
    {
        foreach (var app in Manifests.ParseFile(RepoPaths.In("deploy", "argocd", "application.yaml")))
        {
            Assert.Equal("Application", Manifests.Kind(app));
            var path = (string)app.At("spec.source.path")!;
            Assert.True(File.Exists(RepoPaths.In(path, "kustomization.yaml")), $"{Manifests.Name(app)}: {path} has no kustomization.yaml");
        }
    }

    [Fact]
    public void Gitops_doc_explains_kstatus_conditions_and_the_argo_health_script()
    {
        var doc = File.ReadAllText(RepoPaths.In("docs", "GITOPS.md"));
        foreach (var word in new[] { "Ready", "Reconciling", "Stalled", "observedGeneration", "kstatus", "health.lua", "argocd-cm", "healthChecks" })
        {
            Assert.Contains(word, doc);
        }
    }
}
