using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SessionAudit.Operator.Sandbox;

/// <summary>Where `session-audit sandbox env` finds a running sandbox: each sandbox notes its process and env file in a
/// private folder of the user's (<c>$XDG_RUNTIME_DIR/session-audit/sandboxes</c>, else
/// <c>$XDG_STATE_HOME</c> or <c>~/.local/state</c>), and removes the note when it stops. A note whose process is gone
/// (or is another process with a reused id) is stale and is removed when read.</summary>
internal static class RunningSandboxes
{
    /// <summary>The notes folder for the current user.</summary>
    public static string Folder()
    {
        var root = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Directory.Exists(runtime)
            ? runtime
            : Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } state
                ? state
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(root, "session-audit", "sandboxes");
    }

    /// <summary>Notes this process as a running sandbox with <paramref name="envFile"/>; returns the note's path.</summary>
    public static string Register(string envFile)
    {
        var folder = SandboxStateDirectory.Prepare(Folder(), "the running-sandboxes folder");
        using var self = Process.GetCurrentProcess();
        var note = new JsonObject
        {
            ["pid"] = self.Id,
            ["started"] = self.StartTime.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture),
            ["envFile"] = envFile,
        };
        var path = Path.Combine(folder, $"{self.Id}.json");
        SandboxEnvFile.WritePrivate(path, note.ToJsonString());
        return path;
    }

    /// <summary>The env file of the most recently started sandbox that still runs, and how many run; null when none does.</summary>
    public static (string EnvFile, int Running)? Newest()
    {
        var folder = Folder();
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var live = new List<(DateTime Started, string EnvFile)>();
        foreach (var path in Directory.GetFiles(folder, "*.json"))
        {
            if (Read(path) is { } note && File.Exists(note.EnvFile))
            {
                live.Add(note);
            }
            else
            {
                TryDelete(path);
            }
        }

        return live.Count == 0 ? null : (live.MaxBy(n => n.Started).EnvFile, live.Count);
    }

    private static (DateTime Started, string EnvFile)? Read(string path)
    {
        try
        {
            var note = JsonNode.Parse(File.ReadAllText(path));
            if (note?["pid"]?.GetValue<int>() is not { } pid || note["started"]?.GetValue<string>() is not { } when
                || note["envFile"]?.GetValue<string>() is not { } envFile)
            {
                return null;
            }

            var started = DateTime.Parse(when, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            using var process = Process.GetProcessById(pid);
            // A process id is reused after its process ends: the note is this process's only if it started then.
            return (process.StartTime.ToUniversalTime() - started).Duration() < TimeSpan.FromSeconds(1) ? (started, envFile) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException
                                      or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Removes a note (the sandbox's own, when it stops).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
