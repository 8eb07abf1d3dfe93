using System.Text.Json.Nodes;
using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>The examples name AWS resources that the example sandbox world (deploy/sandbox/seed-example.yaml) has.</summary>
public sealed class ExampleSeedTests
{
    private static readonly string Seed = RepoPaths.In("deploy", "sandbox", "seed-example.yaml");

    [Fact]
    public void Every_aws_resource_an_example_names_exists_in_the_example_seed()
    {
        Assert.True(File.Exists(Seed), $"{Seed} is missing: the end-to-end tests apply the examples against that world");
        var accounts = Manifests.ParseFile(Seed).Single()["accounts"]!.AsArray().Cast<JsonObject>().ToList();
        var ownAccount = (string)accounts[0]["id"]!;

        var missing = new List<string>();
        foreach (var policy in ExamplePoliciesTests.All())
        {
            var name = Manifests.Name(policy);
            var role = ExamplePoliciesTests.RoleOf(policy);
            var account = role is null ? ownAccount : role.Split(':')[4];
            var regionName = (string)policy.At("spec.region")!;
            var region = accounts.SingleOrDefault(a => (string?)a["id"] == account)?["regions"]?.AsArray()
                .Cast<JsonObject>().SingleOrDefault(r => ((string?)r["name"] ?? "us-east-1") == regionName);
            if (region is null)
            {
                missing.Add($"{name}: account {account} region {regionName}");
                continue;
            }

            void Need(string list, string field, string? value, Func<string, string>? normalise = null)
            {
                normalise ??= v => v;
                if (value is not null && !(region[list]?.AsArray() ?? []).Any(e => (string?)e![field] is { } v && normalise(v) == normalise(value)))
                {
                    missing.Add($"{name}: {list} {value} in {account}/{regionName}");
                }
            }

            Need("buckets", "name", (string?)policy.At("spec.s3.bucketName"));
            Need("buckets", "name", (string?)policy.At("spec.report.s3.bucketName"));
            Need("logGroups", "name", (string?)policy.At("spec.cloudWatch.logGroupName"));
            Need("keys", "alias", (string?)policy.At("spec.kms.keyId"), v => v.StartsWith("alias/", StringComparison.Ordinal) ? v[6..] : v);
            foreach (var topic in policy.At("spec.alerts.snsTopicArns")?.AsArray() ?? [])
            {
                Need("topics", "name", ((string)topic!).Split(':')[^1]);
            }

            foreach (var function in policy.At("spec.alerts.lambdaFunctionArns")?.AsArray() ?? [])
            {
                Need("functions", "name", ((string)function!).Split(':')[6]);
            }
        }

        Assert.True(missing.Count == 0, "Not in the example seed:\n" + string.Join('\n', missing));
    }
}
