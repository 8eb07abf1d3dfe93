using System.Text.Json.Nodes;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The operator as users get it: the Dockerfile's publish command and the published binary, the .NET tool the
/// README installs, the README's main command, and the checked-in IAM policy that the `iam-policy` verb prints.</summary>
public sealed class PackagingScenarios
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_Dockerfile_publish_command_produces_a_binary_that_runs()
    {
        var output = Path.Combine(Path.GetTempPath(), "session-audit-publish-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            // The command of the Dockerfile's build stage (docker itself cannot run here), into a temporary folder.
            var publish = await Tool.RunAsync(
                "dotnet",
                ["publish", Path.Combine(Tools.RepoRoot, "operator", "SessionAudit.Operator", "SessionAudit.Operator.csproj"),
                 "-c", "Release", "--self-contained", "false", "-p:DebugType=None", "-p:DebugSymbols=false", "-o", output, "--nologo"],
                timeout: TimeSpan.FromMinutes(8), ct: Ct);
            publish.EnsureSuccess("dotnet publish");

            var binary = Path.Combine(output, "session-audit");
            Assert.True(File.Exists(binary), "the apphost the image's ENTRYPOINT runs");
            Assert.Empty(Directory.GetFiles(output, "*.pdb"));
            var version = (await Tool.RunAsync(binary, ["version"], ct: Ct)).EnsureSuccess("session-audit version");
            Assert.Matches(@"^session-audit \d+\.\d+\.\d+", version.StdOut);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Fact]
    public async Task The_tool_package_installs_offline_as_a_session_audit_command_that_prints_the_one_version_and_brings_the_sandbox_world()
    {
        var root = Directory.CreateTempSubdirectory("session-audit-tool-").FullName;
        try
        {
            // The README's commands, into temporary folders. The build the tests run with is packed as it is (--no-build);
            // the package carries every dependency, so the install needs no feed but the folder (no network here). Without
            // symbols: the Dockerfile publish scenario of this class rebuilds the same obj folder without a .pdb.
            var packages = Path.Combine(root, "packages");
            (await Tool.RunAsync(
                    "dotnet",
                    ["pack", Path.Combine(Tools.RepoRoot, "operator", "SessionAudit.Operator"), "-c", "Release", "--no-build", "-p:DebugType=None", "-p:DebugSymbols=false", "-o", packages, "--nologo"],
                    timeout: TimeSpan.FromMinutes(3), ct: Ct))
                .EnsureSuccess("dotnet pack");
            var tools = Path.Combine(root, "tools");
            (await Tool.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "SessionAudit.Operator"], timeout: TimeSpan.FromMinutes(2), ct: Ct))
                .EnsureSuccess("dotnet tool install");

            var version = (await Tool.RunAsync(Path.Combine(tools, "session-audit"), ["version"], ct: Ct)).EnsureSuccess("session-audit version");
            var props = await File.ReadAllTextAsync(Path.Combine(Tools.RepoRoot, "Directory.Build.props"), Ct);
            var one = props[(props.IndexOf("<Version>", StringComparison.Ordinal) + "<Version>".Length)..props.IndexOf("</Version>", StringComparison.Ordinal)];
            Assert.Equal($"session-audit {one}", version.StdOut.Trim());

            // Outside any checkout (the working directory and the tool's folder are temporary ones), the installed command's
            // sandbox starts with the example seed and applies every example policy: the world travels with the package.
            var examples = Directory.GetFiles(Path.Combine(Tools.RepoRoot, "deploy", "examples"), "*.yaml")
                .Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal))
                .SelectMany(f => SessionAudit.Policy.Model.PolicyManifest.Parse(File.ReadAllText(f)))
                .Select(p => p.Metadata.Name)
                .ToList();
            var notes = new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = Directory.CreateDirectory(Path.Combine(root, "run")).FullName };
            await using var sandbox = OperatorProcess.Start(["sandbox", "--state-dir", Path.Combine(root, "state")], notes,
                executable: Path.Combine(tools, "session-audit"), workingDirectory: root);
            await sandbox.WaitForLineAsync("# operator running", TimeSpan.FromSeconds(120), Ct);
            var output = sandbox.Output.ToList();
            Assert.Contains(output, l => l.StartsWith("# AWS sandbox seeded from ", StringComparison.Ordinal)
                && l.Contains(Path.Combine("sandbox-world", "seed-example.yaml"), StringComparison.Ordinal));
            foreach (var name in examples)
            {
                Assert.Contains(output, l => l.StartsWith($"sessionloggingpolicy.sessionaudit.io/{name} created", StringComparison.Ordinal));
            }

            Assert.Equal(0, await sandbox.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_README_main_command_serves_the_sandbox_and_the_example_policies_become_Ready()
    {
        var state = Path.Combine(Path.GetTempPath(), "session-audit-readme-" + Guid.NewGuid().ToString("N")[..12]);
        await using var sandbox = OperatorProcess.Start(["sandbox", "--state-dir", state]);
        TimeoutException? stop = null;
        try
        {
            var kubeconfig = await sandbox.WaitForLineAsync("KUBECONFIG=", TimeSpan.FromSeconds(60), Ct);
            await sandbox.WaitForLineAsync("# operator running", TimeSpan.FromSeconds(90), Ct);

            var examples = Directory.GetFiles(Path.Combine(Tools.RepoRoot, "deploy", "examples"), "*.yaml")
                .Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal))
                .SelectMany(f => SessionAudit.Policy.Model.PolicyManifest.Parse(File.ReadAllText(f)))
                .Select(p => p.Metadata.Name)
                .Order(StringComparer.Ordinal)
                .ToList();

            var policies = await Eventually.WaitAsync(
                async () =>
                {
                    var result = (await Tool.RunAsync(Tools.Kubectl, ["--kubeconfig", kubeconfig, "get", "slp", "-o", "json"], ct: Ct)).EnsureSuccess("kubectl get slp");
                    return new Listing(JsonNode.Parse(result.StdOut)!["items"]!.AsArray().OfType<JsonObject>().ToList());
                },
                // Enforce policies converge to Ready=True; the Observe example watches a document the example seed already
                // holds with exactly its settings, so it is Ready too, without a write.
                listing => listing.Items.Count == examples.Count && listing.Items.All(p =>
                    Ready(p)?["status"]?.GetValue<string>() == "True"
                    && p["status"]?["observedGeneration"]?.GetValue<long>() == p["metadata"]?["generation"]?.GetValue<long>()),
                TimeSpan.FromSeconds(90),
                "every example policy Ready at its generation",
                Ct);
            Assert.Equal(examples, policies.Items.Select(p => (string)p["metadata"]!["name"]!).Order(StringComparer.Ordinal));

            var table = (await Tool.RunAsync(Tools.Kubectl, ["--kubeconfig", kubeconfig, "get", "slp"], ct: Ct)).EnsureSuccess("kubectl get slp");
            Assert.Contains("READY", table.StdOut, StringComparison.Ordinal);
            Assert.Contains("audit-default", table.StdOut, StringComparison.Ordinal);
            Assert.DoesNotContain("MODE", table.StdOut, StringComparison.Ordinal);
            var wide = (await Tool.RunAsync(Tools.Kubectl, ["--kubeconfig", kubeconfig, "get", "slp", "-o", "wide"], ct: Ct)).EnsureSuccess("kubectl get slp -o wide");
            foreach (var column in new[] { "MODE", "DOCUMENT", "RULE", "LASTSYNC", "Observe", "Enforce", "SSM-SessionManagerRunShell" })
            {
                Assert.Contains(column, wide.StdOut, StringComparison.Ordinal);
            }

            // `plan -f` on the examples directory against the converged world: no change (exit 0 with --detailed-exitcode);
            // one field changed: exit 2 and that field named.
            var env = new Dictionary<string, string?>
            {
                ["AWS_ENDPOINT_URL"] = await sandbox.WaitForLineAsync("AWS_ENDPOINT_URL=", TimeSpan.FromSeconds(5), Ct),
                ["AWS_ACCESS_KEY_ID"] = await sandbox.WaitForLineAsync("AWS_ACCESS_KEY_ID=", TimeSpan.FromSeconds(5), Ct),
                ["AWS_SECRET_ACCESS_KEY"] = await sandbox.WaitForLineAsync("AWS_SECRET_ACCESS_KEY=", TimeSpan.FromSeconds(5), Ct),
                ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            };
            var directory = Path.Combine(Tools.RepoRoot, "deploy", "examples");
            // The AwsAccount workloads keeps its external id in a Secret, which plan does not read: it is given.
            var plan = await Tool.RunAsync("dotnet", [Tools.OperatorDll, "plan", "-f", directory, "--detailed-exitcode", "--external-id", "session-audit-workloads"], env, ct: Ct);
            Assert.True(plan.ExitCode == 0, $"plan of the converged examples exited {plan.ExitCode}:\n{plan.StdOut}\n{plan.StdErr}");
            Assert.Contains("Plan: no changes.", plan.StdOut, StringComparison.Ordinal);
            Assert.Equal(examples.Count, plan.StdOut.Split('\n').Count(l => l.StartsWith("SessionLoggingPolicy ", StringComparison.Ordinal)));
            Assert.Contains("Enforce mode", plan.StdOut, StringComparison.Ordinal);
            Assert.Contains("Observe mode", plan.StdOut, StringComparison.Ordinal);

            var changed = Path.Combine(state, "changed-examples");
            Directory.CreateDirectory(changed);
            foreach (var f in Directory.GetFiles(directory, "*.yaml"))
            {
                File.Copy(f, Path.Combine(changed, Path.GetFileName(f)));
            }

            var s3Only = Path.Combine(changed, "s3-cloudwatch-kms.yaml");
            var text = await File.ReadAllTextAsync(s3Only, Ct);
            Assert.Contains("idleTimeoutMinutes: 20 ", text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(s3Only, text.Replace("idleTimeoutMinutes: 20 ", "idleTimeoutMinutes: 25 ", StringComparison.Ordinal), Ct);
            plan = await Tool.RunAsync("dotnet", [Tools.OperatorDll, "plan", "-f", changed, "--detailed-exitcode", "--external-id", "session-audit-workloads"], env, ct: Ct);
            Assert.True(plan.ExitCode == 2, $"plan with one change exited {plan.ExitCode}:\n{plan.StdOut}\n{plan.StdErr}");
            Assert.Contains("~ document.inputs.idleSessionTimeout: \"20\" -> \"25\"", plan.StdOut, StringComparison.Ordinal);

            var missing = await Tool.RunAsync("dotnet", [Tools.OperatorDll, "plan", "-f", Path.Combine(state, "nothing-here"), "--detailed-exitcode"], env, ct: Ct);
            Assert.Equal(1, missing.ExitCode);
        }
        finally
        {
            try
            {
                await sandbox.TerminateAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException e)
            {
                stop = e;
            }

            if (Directory.Exists(state))
            {
                Directory.Delete(state, recursive: true);
            }
        }

        // Reached only when the scenario passed: Ctrl+C (SIGTERM) must stop the README command promptly.
        Assert.Null(stop);

    }


    private static JsonObject? Ready(JsonObject p) =>
        p["status"]?["conditions"]?.AsArray().OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "Ready");

    /// <summary>The policies kubectl listed; printed as name, Ready status, reason and message when a wait times out.</summary>
    private sealed record Listing(IReadOnlyList<JsonObject> Items)
    {
        public override string ToString() => string.Join("; ", Items.Select(p =>
            $"{p["metadata"]!["name"]}: Ready={Ready(p)?["status"]} {Ready(p)?["reason"]} {Ready(p)?["message"]}"));
    }

    [Fact]
    public async Task The_checked_in_IAM_policy_is_what_the_iam_policy_verb_prints()
    {
        var printed = (await Tool.RunAsync("dotnet", [Tools.OperatorDll, "iam-policy"], ct: Ct)).EnsureSuccess("session-audit iam-policy");
        var file = await File.ReadAllTextAsync(Path.Combine(Tools.RepoRoot, "deploy", "iam", "policy.json"), Ct);
        Assert.Equal(printed.StdOut, file);
    }
}
