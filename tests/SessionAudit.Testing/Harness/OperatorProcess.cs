using System.Collections.Concurrent;
using System.Diagnostics;

namespace SessionAudit.Testing.Harness;

/// <summary>`session-audit` running as a real process: its output lines are kept and can be waited on.</summary>
public sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly SemaphoreSlim lineAdded = new(0);
    private int disposed;

    private OperatorProcess(Process process)
    {
        this.process = process;
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public IReadOnlyCollection<string> Output => lines.ToArray();

    /// <summary>Starts <paramref name="executable"/> (the session-audit.dll next to the caller when null; a .dll runs with
    /// `dotnet`, anything else, such as a published build, directly) with <paramref name="args"/>, in
    /// <paramref name="workingDirectory"/> (this process's when null).</summary>
    public static OperatorProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null, string? executable = null,
        string? workingDirectory = null)
    {
        var exe = executable ?? Tools.OperatorDll;
        var isDll = exe.EndsWith(".dll", StringComparison.Ordinal);
        var psi = new ProcessStartInfo(isDll ? "dotnet" : exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        if (isDll)
        {
            psi.ArgumentList.Add(exe);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (env is not null)
        {
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + exe);
        var result = new OperatorProcess(process);
        process.OutputDataReceived += (_, e) => result.Add(e.Data);
        process.ErrorDataReceived += (_, e) => result.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/> and returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout, CancellationToken ct = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var hit = lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
                if (hit is not null)
                {
                    return hit[prefix.Length..];
                }

                if (process.HasExited)
                {
                    throw new InvalidOperationException($"session-audit exited {process.ExitCode} before printing '{prefix}':\n{string.Join('\n', lines)}");
                }

                await lineAdded.WaitAsync(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"session-audit did not print '{prefix}' within {timeout}:\n{string.Join('\n', lines)}");
        }
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, as when a node dies.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM and wait, as Kubernetes stops a pod.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("session-audit did not stop within " + timeout + " of SIGTERM");
            }
        }

        return process.ExitCode;
    }

    /// <summary>Kills the process if it still runs; a second call does nothing (a test and its world may both dispose it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        lineAdded.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);
        lineAdded.Release();
    }
}
