using System.Text.Json.Nodes;
using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>deploy/examples: commented policies for the common cases that can all live in one account.</summary>
public sealed class ExamplePoliciesTests
{
    private static readonly string Examples = RepoPaths.In("deploy", "examples");

    [Fact]
    public void Every_example_is_a_commented_cluster_scoped_policy_listed_in_the_kustomization()
    {
        var listed = Manifests.ParseFile(Path.Combine(Examples, "kustomization.yaml")).Single()["resources"]!.AsArray().Select(r => (string)r!).ToHashSet();
        var files = Directory.GetFiles(Examples, "*.yaml").Select(f => Path.GetFileName(f)).Where(f => f != "kustomization.yaml").ToHashSet();
        Assert.Equal(files, listed!);

        foreach (var file in files)
        {
            var text = File.ReadAllText(Path.Combine(Examples, file));
            Assert.StartsWith("#", text);
            var policy = Manifests.Parse(text).Single();
            Assert.Equal("sessionaudit.io/v1alpha1", (string?)policy["apiVersion"]);
            Assert.Equal("SessionLoggingPolicy", Manifests.Kind(policy));
            Assert.Null(Manifests.Namespace(policy));
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", Manifests.Name(policy));
            Assert.NotNull((string?)policy.At("spec.region"));
        }
    }

    [Fact]
    public void Examples_cover_the_common_cases()
    {
        var policies = All();
        Assert.Contains(policies, p => p.At("spec.s3") is not null && p.At("spec.cloudWatch") is null && p.At("spec.kms") is null && p.At("spec.alerts") is null);
        Assert.Contains(policies, p => p.At("spec.s3.encryptionRequired")?.GetValue<bool>() == true
            && p.At("spec.cloudWatch.encryptionRequired")?.GetValue<bool>() == true
            && p.At("spec.kms.keyId") is not null && p.At("spec.instanceRoles") is JsonArray { Count: > 0 });
        Assert.Contains(policies, p => p.At("spec.alerts.snsTopicArns") is JsonArray { Count: > 0 } && p.At("spec.alerts.lambdaFunctionArns") is JsonArray { Count: > 0 });
        Assert.Contains(policies, p => p.At("spec.roleArn") is not null);
        Assert.Contains(policies, p => (string?)p.At("spec.mode") == "Observe");
        Assert.Contains(policies, p => p.At("spec.report.s3.bucketName") is not null);
    }

    [Fact]
    public void No_two_examples_claim_the_same_account_region_and_document()
    {
        // Two policies for one preferences document conflict; the examples must be appliable together.
        var keys = All().Select(p =>
        {
            var role = (string?)p.At("spec.roleArn");
            var account = role is null ? "operator" : role.Split(':')[4];
            return $"{account}/{(string?)p.At("spec.region")}/{(string?)p.At("spec.documentName") ?? "SSM-SessionManagerRunShell"}";
        }).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    internal static IReadOnlyList<JsonObject> All() =>
        Directory.GetFiles(Examples, "*.yaml")
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Select(f => Manifests.ParseFile(f).Single())
            .ToList();
}
