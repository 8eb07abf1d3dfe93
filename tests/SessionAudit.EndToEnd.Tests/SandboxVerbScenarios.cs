using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>`session-audit sandbox --no-operator`: the two stand-ins alone, reachable by the real kubectl and AWS CLI, stopped by SIGTERM.</summary>
public sealed class SandboxVerbScenarios
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_sandboxes_alone_serve_kubectl_and_the_AWS_CLI_and_stop_on_SIGTERM()
    {
        var state = Path.Combine(Path.GetTempPath(), "session-audit-sbx-" + Guid.NewGuid().ToString("N")[..12]);
        await using var sandbox = OperatorProcess.Start(["sandbox", "--no-operator", "--state-dir", state]);
        try
        {
            var kubeconfig = await sandbox.WaitForLineAsync("KUBECONFIG=", TimeSpan.FromSeconds(60), Ct);
            var endpoint = await sandbox.WaitForLineAsync("AWS_ENDPOINT_URL=", TimeSpan.FromSeconds(10), Ct);
            var keyId = await sandbox.WaitForLineAsync("AWS_ACCESS_KEY_ID=", TimeSpan.FromSeconds(10), Ct);
            var secret = await sandbox.WaitForLineAsync("AWS_SECRET_ACCESS_KEY=", TimeSpan.FromSeconds(10), Ct);

            var resources = (await Tool.RunAsync(Tools.Kubectl, ["--kubeconfig", kubeconfig, "api-resources", "-o", "name"], ct: Ct)).EnsureSuccess("kubectl api-resources");
            foreach (var builtIn in new[] { "namespaces", "events", "leases.coordination.k8s.io", "configmaps", "secrets", "serviceaccounts", "services",
                         "deployments.apps", "clusterroles.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io",
                         "roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io", "customresourcedefinitions.apiextensions.k8s.io" })
            {
                Assert.Contains(builtIn, resources.StdOut.Split('\n', StringSplitOptions.TrimEntries));
            }

            // No operator: the CRD is not installed.
            Assert.DoesNotContain("sessionloggingpolicies.sessionaudit.io", resources.StdOut, StringComparison.Ordinal);

            // The example seed is loaded: the AWS CLI, as the printed user, sees the seeded bucket.
            var env = new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = keyId,
                ["AWS_SECRET_ACCESS_KEY"] = secret,
                ["AWS_DEFAULT_REGION"] = "us-east-1",
                ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            };
            var encryption = (await Tool.RunAsync(Tools.AwsCli, ["--endpoint-url", endpoint, "--output", "json", "s3api", "get-bucket-encryption", "--bucket", "acme-session-logs"], env, ct: Ct))
                .EnsureSuccess("aws s3api get-bucket-encryption");
            Assert.Contains("aws:kms", encryption.StdOut, StringComparison.Ordinal);

            Assert.Equal(0, await sandbox.TerminateAsync(TimeSpan.FromSeconds(15)));
        }
        finally
        {
            if (Directory.Exists(state))
            {
                Directory.Delete(state, recursive: true);
            }
        }
    }
}
