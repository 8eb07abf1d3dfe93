using System.Security.Cryptography;
using System.Text;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.Image.Tests;

/// <summary>
/// podman and buildah with a configuration of our own: the runc runtime (crun 1.8 refuses this VM's hybrid cgroups), both
/// ulimits set (podman's default nofile is above the hard limit), and the image store in the repository's git-ignored
/// `.tools/image/` folder, so nothing under /etc or /var/lib/containers is touched. Also makes the local stand-ins for the
/// Dockerfile's two base images, which cannot be pulled here (docs/INSTALL.md, "Building the image").
/// </summary>
public sealed class Containers
{
    public const string SdkBase = "mcr.microsoft.com/dotnet/sdk:10.0-noble";

    public const string RuntimeBase = "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled";

    /// <summary>Label on a stand-in: what it was made from, so a later run reuses it only while that holds.</summary>
    private const string StandInLabel = "io.sessionaudit.standin";

    /// <summary>Bumped when the way the stand-ins are made changes.</summary>
    private const string StandInRecipe = "2";

    private static readonly string[] CommonEnv =
    [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "DOTNET_RUNNING_IN_CONTAINER=true",
        "APP_UID=1654",
        // The real chiseled image carries no ICU and sets this; the minbase rootfs has no ICU either, and the SDK's own
        // `dotnet` aborts without it ("Couldn't find a valid ICU package").
        "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true",
    ];

    private readonly Dictionary<string, string?> env;

    private Containers(string work, string podman, string buildah)
    {
        Work = work;
        Podman = podman;
        Buildah = buildah;
        env = new Dictionary<string, string?>
        {
            ["CONTAINERS_CONF"] = Path.Combine(work, "containers.conf"),
            ["CONTAINERS_STORAGE_CONF"] = Path.Combine(work, "storage.conf"),
            ["BUILDAH_RUNTIME"] = "runc",
        };
    }

    /// <summary>`.tools/image/`: the rootfs cache, the configuration files and the image store.</summary>
    public string Work { get; }

    public string Podman { get; }

    public string Buildah { get; }

    /// <summary>CONTAINERS_CONF and CONTAINERS_STORAGE_CONF, for anything run by hand next to the test.</summary>
    public IReadOnlyDictionary<string, string?> Environment => env;

    /// <summary>
    /// Finds podman, buildah, runc and debootstrap and writes the configuration; skips the test (counted as skipped)
    /// when one is missing, since then this machine cannot build or run containers.
    /// </summary>
    public static Containers Open()
    {
        var podman = Find("SESSION_AUDIT_PODMAN", "podman");
        var buildah = Find("SESSION_AUDIT_BUILDAH", "buildah");
        var missing = new[] { ("podman", podman), ("buildah", buildah), ("runc", Find(null, "runc")), ("debootstrap", Find(null, "debootstrap")) }
            .Where(t => t.Item2 is null).Select(t => t.Item1).ToList();
        if (missing.Count > 0)
        {
            Assert.Skip($"this machine cannot build or run containers: {string.Join(", ", missing)} not installed (scripts/tools.sh installs them with apt-get)");
        }

        var work = Path.Combine(Tools.RepoRoot, ".tools", "image");
        Directory.CreateDirectory(work);
        var run = Path.Combine(work, "run");
        File.WriteAllText(Path.Combine(work, "containers.conf"), $"""
            # Written by tests/SessionAudit.Image.Tests; used through CONTAINERS_CONF.
            [containers]
            default_ulimits = ["nofile=16384:16384", "nproc=4096:4096"]

            [engine]
            runtime = "runc"
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            tmp_dir = "{Path.Combine(run, "libpod")}"

            """);
        File.WriteAllText(Path.Combine(work, "storage.conf"), $"""
            # Written by tests/SessionAudit.Image.Tests; used through CONTAINERS_STORAGE_CONF.
            [storage]
            driver = "overlay"
            graphroot = "{Path.Combine(work, "storage")}"
            runroot = "{Path.Combine(run, "storage")}"

            """);
        return new Containers(work, podman!, buildah!);
    }

    public Task<ProcessResult> PodmanAsync(IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken ct = default) =>
        Tool.RunAsync(Podman, args, env, timeout: timeout ?? TimeSpan.FromMinutes(2), ct: ct);

    public Task<ProcessResult> BuildahAsync(IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken ct = default) =>
        Tool.RunAsync(Buildah, args, env, timeout: timeout ?? TimeSpan.FromMinutes(10), ct: ct);

    /// <summary>
    /// The minbase Debian bookworm rootfs both stand-ins start from, made once with debootstrap (from the mirror apt
    /// uses here) and kept under `.tools/image/`, with the `app` user and group 1654 that the .NET images carry and
    /// /usr/bin/dotnet pointing at /usr/share/dotnet. Returns its folder.
    /// </summary>
    public async Task<string> RootfsAsync(CancellationToken ct)
    {
        var rootfs = Path.Combine(Work, "rootfs-bookworm");
        var marker = Path.Combine(rootfs, ".session-audit-standin");
        if (File.Exists(marker))
        {
            return rootfs;
        }

        var partial = rootfs + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        var mirror = DebianMirror();
        var debootstrap = await Tool.RunAsync(
            Find(null, "debootstrap")!,
            ["--variant=minbase", "--include=libssl3,ca-certificates", "bookworm", partial, mirror],
            timeout: TimeSpan.FromMinutes(10),
            ct: ct);
        debootstrap.EnsureSuccess($"debootstrap --variant=minbase bookworm from {mirror}");

        await File.AppendAllTextAsync(Path.Combine(partial, "etc", "passwd"), "app:x:1654:1654:app:/home/app:/usr/sbin/nologin\n", ct);
        await File.AppendAllTextAsync(Path.Combine(partial, "etc", "group"), "app:x:1654:\n", ct);
        Directory.CreateDirectory(Path.Combine(partial, "home", "app"));
        File.CreateSymbolicLink(Path.Combine(partial, "usr", "bin", "dotnet"), "../share/dotnet/dotnet");
        await File.WriteAllTextAsync(Path.Combine(partial, ".session-audit-standin"), $"bookworm minbase from {mirror} at {DateTimeOffset.UtcNow:O}\n", ct);
        if (Directory.Exists(rootfs))
        {
            Directory.Delete(rootfs, recursive: true);
        }

        Directory.Move(partial, rootfs);
        return rootfs;
    }

    /// <summary>
    /// Imports the two stand-ins under the Dockerfile's base names unless images made from this rootfs and this machine's
    /// .NET are already there: the SDK one with all of /usr/share/dotnet, the runtime one with `dotnet`, `host/` and
    /// `shared/` only (what the ASP.NET image holds). Returns whether they were (re)made.
    /// </summary>
    public async Task<bool> EnsureStandInsAsync(string rootfs, CancellationToken ct)
    {
        const string Dotnet = "/usr/share/dotnet";
        if (!File.Exists(Path.Combine(Dotnet, "dotnet")))
        {
            throw new InvalidOperationException($"{Dotnet}/dotnet is missing: the stand-ins are made from this machine's .NET install");
        }

        var versions = string.Join(';', new[] { "sdk", "shared/Microsoft.NETCore.App", "shared/Microsoft.AspNetCore.App" }
            .SelectMany(d => Directory.GetDirectories(Path.Combine(Dotnet, d)).Select(v => d + "/" + Path.GetFileName(v)))
            .Order(StringComparer.Ordinal));
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            StandInRecipe + "\n" + File.ReadAllText(Path.Combine(rootfs, ".session-audit-standin")) + versions)))[..16].ToLowerInvariant();

        var current = true;
        foreach (var image in new[] { SdkBase, RuntimeBase })
        {
            var label = await PodmanAsync(["image", "inspect", "--format", "{{index .Config.Labels \"" + StandInLabel + "\"}}", image], ct: ct);
            current &= label.ExitCode == 0 && label.StdOut.Trim() == key;
        }

        if (current)
        {
            return false;
        }

        await ImportAsync(
            rootfs,
            ["usr/share/dotnet"],
            [.. CommonEnv, "DOTNET_ROOT=/usr/share/dotnet", "DOTNET_CLI_TELEMETRY_OPTOUT=1", "DOTNET_NOLOGO=1", "DOTNET_GENERATE_ASPNET_CERTIFICATE=false",
             // An offline restore: the audit asks nuget.org for vulnerability data.
             "NuGetAudit=false"],
            key,
            SdkBase,
            ct);
        await ImportAsync(
            rootfs,
            ["usr/share/dotnet/dotnet", "usr/share/dotnet/host", "usr/share/dotnet/shared"],
            [.. CommonEnv, "ASPNETCORE_HTTP_PORTS=8080"],
            key,
            RuntimeBase,
            ct);
        return true;
    }

    /// <summary>`tar -C rootfs -c . (plus the .NET parts) | podman import - NAME`, with the environment and the label.</summary>
    private async Task ImportAsync(string rootfs, string[] dotnetParts, string[] imageEnv, string key, string name, CancellationToken ct)
    {
        var changes = string.Join(' ', imageEnv.Select(e => $"--change 'ENV={e}'"));
        var parts = string.Join(' ', dotnetParts);
        var script = $"set -o pipefail; tar -c -C '{rootfs}' --exclude ./.session-audit-standin . -C / {parts} | '{Podman}' import {changes} --change 'LABEL={StandInLabel}={key}' - '{name}'";
        var result = await Tool.RunAsync("bash", ["-c", script], env, timeout: TimeSpan.FromMinutes(5), ct: ct);
        result.EnsureSuccess($"podman import of the stand-in {name}");
    }

    /// <summary>The Debian mirror apt uses on this machine (deb822 .sources or sources.list), for debootstrap.</summary>
    public static string DebianMirror()
    {
        var lines = new List<string>();
        if (File.Exists("/etc/apt/sources.list"))
        {
            lines.AddRange(File.ReadAllLines("/etc/apt/sources.list"));
        }

        if (Directory.Exists("/etc/apt/sources.list.d"))
        {
            foreach (var f in Directory.GetFiles("/etc/apt/sources.list.d").Where(f => f.EndsWith(".sources", StringComparison.Ordinal) || f.EndsWith(".list", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                lines.AddRange(File.ReadAllLines(f));
            }
        }

        foreach (var raw in lines)
        {
            var line = raw.Trim();
            string[] uris;
            if (line.StartsWith("URIs:", StringComparison.Ordinal))
            {
                uris = line["URIs:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
            else if (line.StartsWith("deb ", StringComparison.Ordinal))
            {
                uris = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(t => !t.StartsWith('[')).Take(1).ToArray();
            }
            else
            {
                continue;
            }

            // The main archive, not debian-security or a vendor's repository.
            var main = uris.FirstOrDefault(u => u.TrimEnd('/').EndsWith("/debian", StringComparison.Ordinal));
            if (main is not null)
            {
                return main;
            }
        }

        return "http://deb.debian.org/debian";
    }

    private static string? Find(string? variable, string name)
    {
        var configured = variable is null ? null : System.Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(configured) && File.Exists(configured))
        {
            return configured;
        }

        foreach (var dir in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"]))
        {
            var path = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
