using System.Text.Json.Nodes;
using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>deploy/examples: commented policies for the common cases that can all live in one account, and the
/// AwsAccounts (with the Secret one of them reads) that a cluster admin applies for them.</summary>
public sealed class ExamplePoliciesTests
{
    private static readonly string Examples = RepoPaths.In("deploy", "examples");

    [Fact]
    public void Every_example_is_a_commented_cluster_scoped_policy_or_account_listed_in_the_kustomization()
    {
        var listed = Manifests.ParseFile(Path.Combine(Examples, "kustomization.yaml")).Single()["resources"]!.AsArray().Select(r => (string)r!).ToHashSet();
        var files = Directory.GetFiles(Examples, "*.yaml").Select(f => Path.GetFileName(f)).Where(f => f != "kustomization.yaml").ToHashSet();
        Assert.Equal(files, listed!);

        foreach (var file in files)
        {
            var text = File.ReadAllText(Path.Combine(Examples, file));
            Assert.StartsWith("#", text);
            var documents = Manifests.Parse(text);
            Assert.NotEmpty(documents);
            foreach (var doc in documents.Where(d => Manifests.Kind(d) != "Secret"))
            {
                Assert.Equal("sessionaudit.io/v1alpha1", (string?)doc["apiVersion"]);
                Assert.Contains(Manifests.Kind(doc), new[] { "SessionLoggingPolicy", "AwsAccount" });
                Assert.Null(Manifests.Namespace(doc));
                Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", Manifests.Name(doc));
                if (Manifests.Kind(doc) == "SessionLoggingPolicy")
                {
                    Assert.NotNull((string?)doc.At("spec.region"));
                    Assert.Null(doc.At("spec.roleArn"));
                }
            }

            // A Secret an AwsAccount reads lives in the operator's namespace.
            Assert.All(documents.Where(d => Manifests.Kind(d) == "Secret"), d => Assert.Equal("session-audit-system", Manifests.Namespace(d)));
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
        Assert.Contains(policies, p => p.At("spec.accountRef.name") is not null);
        Assert.Contains(Accounts(), a => a.At("spec.roleArn") is not null && a.At("spec.externalIdSecretRef") is not null);
        Assert.Contains(Accounts(), a => a.At("spec.default")?.GetValue<bool>() == true);
        Assert.Contains(policies, p => (string?)p.At("spec.mode") == "Observe");
        Assert.Contains(policies, p => p.At("spec.report.s3.bucketName") is not null);
    }

    [Fact]
    public void No_two_examples_claim_the_same_account_region_and_document()
    {
        // Two policies for one preferences document conflict; the examples must be appliable together.
        var keys = All().Select(p =>
        {
            var role = RoleOf(p);
            var account = role is null ? "operator" : role.Split(':')[4];
            return $"{account}/{(string?)p.At("spec.region")}/{(string?)p.At("spec.documentName") ?? "SSM-SessionManagerRunShell"}";
        }).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    /// <summary>Every example SessionLoggingPolicy.</summary>
    internal static IReadOnlyList<JsonObject> All() => OfKind("SessionLoggingPolicy");

    /// <summary>Every example AwsAccount.</summary>
    internal static IReadOnlyList<JsonObject> Accounts() => OfKind("AwsAccount");

    /// <summary>The role the operator assumes for an example policy: its AwsAccount's; null for the operator's own account.</summary>
    internal static string? RoleOf(JsonObject policy) =>
        (string?)policy.At("spec.accountRef.name") is { } name
            ? (string?)Accounts().Single(a => Manifests.Name(a) == name).At("spec.roleArn")
            : null;

    private static List<JsonObject> OfKind(string kind) =>
        Directory.GetFiles(Examples, "*.yaml")
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .SelectMany(Manifests.ParseFile)
            .Where(d => Manifests.Kind(d) == kind)
            .ToList();
}
