using System.Text.Json.Nodes;
using Xunit;

namespace SessionAudit.Deploy.Tests.Support;

/// <summary>What every rendered operator Deployment must carry, whichever way it was installed.</summary>
internal static class WorkloadAssertions
{
    public static void AssertHardened(JsonObject deployment)
    {
        var pod = deployment.At("spec.template.spec") as JsonObject
            ?? throw new Xunit.Sdk.XunitException($"{Manifests.Name(deployment)} has no pod template");

        Assert.True((bool?)pod.At("securityContext.runAsNonRoot"), "pod securityContext.runAsNonRoot");
        Assert.True((long?)pod.At("securityContext.runAsUser") > 0, "pod securityContext.runAsUser is a non-zero number");
        Assert.Equal("RuntimeDefault", (string?)pod.At("securityContext.seccompProfile.type"));

        var containers = pod["containers"]!.AsArray();
        Assert.NotEmpty(containers);
        foreach (var container in containers.Cast<JsonObject>())
        {
            var name = (string?)container["name"];
            Assert.False((bool?)container.At("securityContext.allowPrivilegeEscalation") ?? true, $"{name}: allowPrivilegeEscalation false");
            Assert.True((bool?)container.At("securityContext.readOnlyRootFilesystem"), $"{name}: readOnlyRootFilesystem");
            Assert.True((bool?)container.At("securityContext.runAsNonRoot"), $"{name}: runAsNonRoot");
            Assert.Contains("ALL", container.At("securityContext.capabilities.drop")!.AsArray().Select(d => (string?)d));
            Assert.Equal("RuntimeDefault", (string?)container.At("securityContext.seccompProfile.type"));

            var portNames = container["ports"]!.AsArray().Select(p => (string?)p!["name"]).ToList();
            Assert.Equal("/healthz", (string?)container.At("livenessProbe.httpGet.path"));
            Assert.Contains((string?)container.At("livenessProbe.httpGet.port"), portNames);
            Assert.Equal("/readyz", (string?)container.At("readinessProbe.httpGet.path"));
            Assert.Contains((string?)container.At("readinessProbe.httpGet.port"), portNames);

            foreach (var kind in new[] { "requests", "limits" })
            {
                Assert.NotNull(container.At($"resources.{kind}.cpu"));
                Assert.NotNull(container.At($"resources.{kind}.memory"));
            }

            var tmp = container["volumeMounts"]!.AsArray().SingleOrDefault(m => (string?)m!["mountPath"] == "/tmp");
            Assert.NotNull(tmp);
            var volume = pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)tmp!["name"]);
            Assert.NotNull(volume!["emptyDir"]);
        }
    }

    /// <summary>The operator's command line as rendered, flag name to value.</summary>
    public static IReadOnlyDictionary<string, string> Flags(JsonObject deployment)
    {
        var args = deployment.At("spec.template.spec.containers[0].args")!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal("run", args[0]);
        return args.Skip(1).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
    }

    /// <summary>RBAC rules as comparable strings: "group|resource|verb".</summary>
    public static ISet<string> Rules(JsonObject role) =>
        role["rules"]!.AsArray().SelectMany(rule =>
            from g in rule!["apiGroups"]!.AsArray()
            from r in rule["resources"]!.AsArray()
            from v in rule["verbs"]!.AsArray()
            select $"{(string?)g}|{(string?)r}|{(string?)v}").ToHashSet();
}
