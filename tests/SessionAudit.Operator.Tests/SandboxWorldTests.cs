using System.Text.RegularExpressions;
using k8s;
using SessionAudit.Operator.Sandbox;
using SessionAudit.Sandbox.Kubernetes;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>The one composition the sandbox verb, the end-to-end tests and the bench start from.</summary>
public sealed class SandboxWorldTests
{
    private const string Seed = """
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                instances:
                  - {id: i-0kept0000000000001, platformType: Linux, platformName: "Amazon Linux", platformVersion: "2023", agentVersion: 3.3.1142.0}
                sessions:
                  - {target: i-0kept0000000000001, owner: alice, startedDaysAgo: 1, durationMinutes: 5}
                  - {target: i-0kept0000000000001, owner: bob, startedDaysAgo: 2, durationMinutes: 9}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_world_listens_on_loopback_serves_the_CRD_and_removes_the_folder_it_made()
    {
        string directory;
        await using (var world = await SandboxWorld.StartAsync(
            new SandboxWorldOptions { Kubernetes = new KubernetesSandboxOptions { Host = "0.0.0.0" }, InstallCrd = true }, Ct))
        {
            directory = world.Directory;
            Assert.Equal("127.0.0.1", world.Kubernetes.Url.Host);
            Assert.Equal("127.0.0.1", world.Aws.Url.Host);
            Assert.True(File.Exists(world.Kubeconfig));

            using var kube = world.NewKubernetesClient();
            var crd = await kube.ApiextensionsV1.ReadCustomResourceDefinitionAsync("sessionloggingpolicies.sessionaudit.io", cancellationToken: Ct);
            Assert.Contains(crd.Status.Conditions, c => c is { Type: "Established", Status: "True" });

            Assert.Equal(world.Aws.Url.ToString().TrimEnd('/'), world.AwsSettings["AWS_ENDPOINT_URL"]);
            Assert.Equal(SandboxWorld.AccessKeyId, world.ProcessEnvironment["AWS_ACCESS_KEY_ID"]);
            Assert.Equal("/dev/null", world.ProcessEnvironment["AWS_CONFIG_FILE"]);
        }

        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task A_kept_AWS_state_is_restored_and_not_seeded_again_and_a_given_folder_stays()
    {
        var directory = Directory.CreateTempSubdirectory("sandbox-world-test-").FullName;
        try
        {
            var options = new SandboxWorldOptions { Directory = directory, Seed = Seed, KeepAwsState = true };
            await using (var first = await SandboxWorld.StartAsync(options, Ct))
            {
                Assert.Equal(Path.Combine(directory, "aws-state.json"), first.StateFile);
            }

            var kept = Occurrences(await File.ReadAllTextAsync(Path.Combine(directory, "aws-state.json"), Ct));
            await using (await SandboxWorld.StartAsync(options, Ct))
            {
            }

            var restored = Occurrences(await File.ReadAllTextAsync(Path.Combine(directory, "aws-state.json"), Ct));
            Assert.True(kept >= 3, $"the seed's instance and its two sessions are in the kept state ({kept} mentions)");
            Assert.Equal(kept, restored);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int Occurrences(string state) => Regex.Count(state, "i-0kept0000000000001");
}
