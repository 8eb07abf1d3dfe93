using System.Collections.Concurrent;
using System.Diagnostics;

namespace SessionAudit.Bench.World;

/// <summary>
/// `session-audit` as its own process, like the test harness's OperatorProcess but from a chosen build: the
/// session-audit.dll next to the bench, or SESSION_AUDIT_BENCH_OPERATOR (a published build, e.g. ReadyToRun).
/// </summary>
public sealed class BenchOperatorProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private BenchOperatorProcess(Process process) => this.process = process;

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public IReadOnlyCollection<string> Output => lines.ToArray();

    /// <summary>The operator build the bench runs: a .dll is run with `dotnet`, anything else directly.</summary>
    public static string Executable =>
        Environment.GetEnvironmentVariable("SESSION_AUDIT_BENCH_OPERATOR") is { Length: > 0 } path
            ? path
            : Path.Combine(AppContext.BaseDirectory, "session-audit.dll");

    public static BenchOperatorProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?> env)
    {
        var exe = Executable;
        var psi = new ProcessStartInfo(exe.EndsWith(".dll", StringComparison.Ordinal) ? "dotnet" : exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (exe.EndsWith(".dll", StringComparison.Ordinal))
        {
            psi.ArgumentList.Add(exe);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + exe);
        var result = new BenchOperatorProcess(process);
        process.OutputDataReceived += (_, e) => result.Add(e.Data);
        process.ErrorDataReceived += (_, e) => result.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/> and returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } hit)
            {
                return hit[prefix.Length..];
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"session-audit exited {process.ExitCode} before printing '{prefix}':\n{string.Join('\n', lines)}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"session-audit did not print '{prefix}' within {timeout}:\n{string.Join('\n', lines)}");
            }

            await Task.Delay(5, ct);
        }
    }

    /// <summary>SIGTERM and wait, as Kubernetes stops a pod; SIGKILL when it does not stop in time.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }
}
