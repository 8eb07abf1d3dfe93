using System.Diagnostics;

namespace SessionAudit.Deploy.Tests.Support;

/// <summary>Runs a real command-line tool (helm, kubectl, lua5.1) the way a user would.</summary>
internal sealed class Tool(string path, IReadOnlyDictionary<string, string>? environment = null)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public string Path { get; } = path;

    /// <summary>The tool from the environment variable, else the fallback path; a missing tool fails the test.</summary>
    public static string Locate(string variable, params string[] fallbacks)
    {
        var fromEnv = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return File.Exists(fromEnv)
                ? fromEnv
                : throw new Xunit.Sdk.XunitException($"{variable}={fromEnv} does not exist; run scripts/tools.sh");
        }

        return fallbacks.FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException($"None of {string.Join(", ", fallbacks)} exists and {variable} is not set; run scripts/tools.sh");
    }

    public async Task<ToolResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, string? stdin = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }

        var command = $"{System.IO.Path.GetFileName(Path)} {string.Join(' ', start.ArgumentList)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"`{command}` did not finish within {DefaultTimeout}");
        }

        return new ToolResult(command, process.ExitCode, await stdout, await stderr);
    }
}
