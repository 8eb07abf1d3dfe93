using System.Diagnostics;

namespace SessionAudit.Reporting.Tests.Support;

/// <summary>Runs headless Chromium the way a person's browser would open the report: a local file, no network, a fresh profile.</summary>
internal static class Chromium
{
    public static string Path =>
        Environment.GetEnvironmentVariable("SESSION_AUDIT_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>The width of a laptop screen, at which the report must show every column without scrolling.</summary>
    public const int Width = 1280;

    public static Task<string> DumpDomAsync(string htmlFile, CancellationToken cancellationToken) =>
        RunAsync(["--dump-dom", $"--window-size={Width},2000", new Uri(htmlFile).AbsoluteUri], cancellationToken);

    public static Task ScreenshotAsync(string htmlFile, string pngFile, CancellationToken cancellationToken) =>
        RunAsync([$"--screenshot={pngFile}", $"--window-size={Width},2000", "--hide-scrollbars", new Uri(htmlFile).AbsoluteUri], cancellationToken);

    private static async Task<string> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        // Fails (does not skip) when the browser is missing: scripts/tools.sh installs it in CI.
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException($"chromium not found at {Path}; install the Debian package chromium or set SESSION_AUDIT_CHROMIUM", Path);
        }

        var profile = Directory.CreateTempSubdirectory("session-audit-chromium-");
        try
        {
            var start = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                         "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}"])
            {
                start.ArgumentList.Add(a);
            }

            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(90));
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var output = await stdout;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"chromium exited {process.ExitCode}: {await stderr}");
            }

            return output;
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be closing a file in its profile; the temp folder is cleaned by the system.
            }
        }
    }
}
