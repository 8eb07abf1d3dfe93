using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Kubernetes.Tests.Helm;

/// <summary>Helm stores releases as Secrets through a protobuf client; install and uninstall work against the sandbox.</summary>
public sealed class HelmTests
{
    [Fact]
    public async Task InstallWithCreateNamespaceThenUninstallLeavesNoRelease()
    {
        await using var s = await SandboxScope.StartAsync();
        var chart = WriteChart(s.Directory);

        var install = await RunHelmAsync(s, "install", "demo", chart, "-n", "apps", "--create-namespace", "--wait", "--timeout", "30s");
        var configMap = (await s.Kubectl.RunAsync("get", "configmap", "demo-settings", "-n", "apps", "-o", "jsonpath={.data.greeting}")).Succeeded();
        var releases = (await s.Kubectl.RunAsync("get", "secrets", "-n", "apps", "-l", "owner=helm", "-o", "json")).Succeeded();
        var list = await RunHelmAsync(s, "list", "-n", "apps", "-o", "json");
        var uninstall = await RunHelmAsync(s, "uninstall", "demo", "-n", "apps");
        var after = (await s.Kubectl.RunAsync("get", "secrets,configmaps", "-n", "apps", "-o", "name")).Succeeded();

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal("hello", configMap.Stdout);
        var release = Assert.Single(JsonNode.Parse(releases.Stdout)!["items"]!.AsArray());
        Assert.Equal("helm.sh/release.v1", release!["type"]!.GetValue<string>());
        Assert.Contains("\"status\":\"deployed\"", list.Stdout, StringComparison.Ordinal);
        Assert.True(uninstall.ExitCode == 0, uninstall.ToString());
        Assert.Equal("", after.Stdout.Trim());
    }

    private static string WriteChart(string directory)
    {
        var chart = Path.Combine(directory, "chart");
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
        File.WriteAllText(Path.Combine(chart, "templates", "configmap.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-settings
            data:
              greeting: hello
            """);
        return chart;
    }

    private static async Task<KubectlResult> RunHelmAsync(SandboxScope s, params string[] args)
    {
        var helm = HelmPath();
        var info = new ProcessStartInfo(helm)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = s.Directory,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["KUBECONFIG"] = s.Kubeconfig;
        info.Environment["HOME"] = s.Directory;
        info.Environment["HELM_CACHE_HOME"] = Path.Combine(s.Directory, "helm", "cache");
        info.Environment["HELM_CONFIG_HOME"] = Path.Combine(s.Directory, "helm", "config");
        info.Environment["HELM_DATA_HOME"] = Path.Combine(s.Directory, "helm", "data");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("helm did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"helm {string.Join(' ', args)} did not finish within 60 s");
        }

        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>SESSION_AUDIT_HELM, else .tools/helm/helm of the repository (where scripts/tools.sh installs it).</summary>
    private static string HelmPath()
    {
        if (Environment.GetEnvironmentVariable("SESSION_AUDIT_HELM") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : throw new InvalidOperationException($"SESSION_AUDIT_HELM points at {configured}, which does not exist");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".tools", "helm", "helm");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail("helm not found: run scripts/tools.sh (installs .tools/helm/helm) or set SESSION_AUDIT_HELM");
        return "";
    }
}
