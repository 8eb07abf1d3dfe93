using System.Diagnostics;
using System.Text;

namespace SessionAudit.Sandbox.Kubernetes.Tests;

/// <summary>Runs the real kubectl (SESSION_AUDIT_KUBECTL or /usr/bin/kubectl) against a sandbox.</summary>
internal sealed class KubectlRunner(string kubeconfig, string cacheDir, string workDir)
{
    public static string Path { get; } = Environment.GetEnvironmentVariable("SESSION_AUDIT_KUBECTL") is { Length: > 0 } p ? p : "/usr/bin/kubectl";

    public async Task<KubectlResult> RunAsync(params string[] args) => await RunAsync(TimeSpan.FromSeconds(60), args);

    public async Task<KubectlResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within {timeout}");
        }

        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts kubectl and hands back the process (for streaming commands such as get -w and wait).</summary>
    public Process Start(params string[] args)
    {
        if (!File.Exists(Path))
        {
            Assert.Fail($"kubectl not found at {Path}; scripts/tools.sh installs it (or set SESSION_AUDIT_KUBECTL)");
        }

        var info = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(kubeconfig);
        info.ArgumentList.Add("--cache-dir");
        info.ArgumentList.Add(cacheDir);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["HOME"] = workDir;
        info.Environment.Remove("KUBECONFIG");
        return Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
    }
}

/// <summary>What a kubectl run printed and returned.</summary>
internal sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public KubectlResult Succeeded()
    {
        Assert.True(ExitCode == 0, $"kubectl failed ({ExitCode}):\n{Stderr}\n{Stdout}");
        return this;
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
