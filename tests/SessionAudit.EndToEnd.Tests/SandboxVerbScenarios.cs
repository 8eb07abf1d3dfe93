using System.Text.RegularExpressions;
using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>`session-audit sandbox`: its env file and `sandbox env` are what a shell, kubectl and Debian's AWS CLI 2.9 need,
/// the examples it creates take a user's first `kubectl apply` quietly; with `--no-operator`, the two stand-ins alone,
/// reachable by the real kubectl and AWS CLI, stopped by SIGTERM.</summary>
public sealed partial class SandboxVerbScenarios
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

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_env_file_and_sandbox_env_serve_kubectl_and_the_printed_aws_command_and_kubectl_apply_of_an_example_is_quiet()
    {
        var root = Directory.CreateTempSubdirectory("session-audit-sbx-env-").FullName;
        var state = Path.Combine(root, "state");
        // Its own notes folder: other tests' sandboxes run at the same time, and `sandbox env` prints the newest one's.
        var runtime = Directory.CreateDirectory(Path.Combine(root, "runtime")).FullName;
        File.SetUnixFileMode(runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var notes = new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = runtime };
        await using var sandbox = OperatorProcess.Start(["sandbox", "--state-dir", state], notes);
        try
        {
            var envFile = await sandbox.WaitForLineAsync("ENV_FILE=", TimeSpan.FromSeconds(60), Ct);
            var aws = await sandbox.WaitForLineAsync("#   aws ", TimeSpan.FromSeconds(90), Ct);
            // The essential lines come last.
            Assert.StartsWith("#   aws ", sandbox.Output.Last(l => l.Length > 0 && !LogLine().IsMatch(l)), StringComparison.Ordinal);
            Assert.Contains("--endpoint-url http://127.0.0.1:", aws, StringComparison.Ordinal);

            // A shell with none of the sandbox's settings, Debian's AWS CLI 2.9 (it ignores AWS_ENDPOINT_URL) first on PATH.
            var clean = CleanShell.Environment(root);
            var sourced = (await Tool.RunAsync("bash", ["-c", $"source '{envFile}' && kubectl get slp && aws {aws}"], clean, ct: Ct))
                .EnsureSuccess("bash: source the env file, then kubectl get slp and the printed aws command");
            Assert.Contains("audit-default", sourced.StdOut, StringComparison.Ordinal);
            Assert.Contains("\"s3BucketName\":\"acme-session-logs\"", sourced.StdOut, StringComparison.Ordinal);

            var printed = (await Tool.RunAsync("dotnet", [Tools.OperatorDll, "sandbox", "env"], notes, ct: Ct)).EnsureSuccess("session-audit sandbox env");
            Assert.Equal(await File.ReadAllTextAsync(envFile, Ct), printed.StdOut);
            var evaluated = (await Tool.RunAsync("bash", ["-c", "eval \"$SANDBOX_ENV\" && kubectl get slp -o name"], new Dictionary<string, string?>(clean) { ["SANDBOX_ENV"] = printed.StdOut }, ct: Ct))
                .EnsureSuccess("bash: eval the output of sandbox env, then kubectl get slp");
            Assert.Contains("sessionloggingpolicy.sessionaudit.io/audit-default", evaluated.StdOut, StringComparison.Ordinal);

            // The sandbox created the example as `kubectl apply` would have: applying the file again merges, without the
            // "missing the kubectl.kubernetes.io/last-applied-configuration annotation" warning, and changes nothing.
            var example = Path.Combine(Tools.RepoRoot, "deploy", "examples", "s3-cloudwatch-kms.yaml");
            var apply = (await Tool.RunAsync("bash", ["-c", $"source '{envFile}' && kubectl apply -f '{example}'"], clean, ct: Ct)).EnsureSuccess("kubectl apply -f");
            Assert.DoesNotContain("Warning", apply.StdErr, StringComparison.Ordinal);
            Assert.Equal("sessionloggingpolicy.sessionaudit.io/audit-default unchanged", apply.StdOut.Trim());

            Assert.Equal(0, await sandbox.TerminateAsync(TimeSpan.FromSeconds(20)));
            // Stopped, it is no longer found.
            var none = await Tool.RunAsync("dotnet", [Tools.OperatorDll, "sandbox", "env"], notes, ct: Ct);
            Assert.Equal(1, none.ExitCode);
            Assert.Contains("no sandbox is running", none.StdErr, StringComparison.Ordinal);
            Assert.Empty(none.StdOut);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // The operator's own log lines (they start with the time) go on after the summary.
    [GeneratedRegex(@"^\d\d:\d\d:\d\d ")]
    private static partial Regex LogLine();
}
