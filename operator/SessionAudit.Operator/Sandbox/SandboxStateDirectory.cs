using System.Runtime.InteropServices;
using SessionAudit.Operator.Cli;

namespace SessionAudit.Operator.Sandbox;

/// <summary>The sandbox verb's state folder holds a bearer token with every right on the local API: it is created private
/// (0700), and an existing one is used only when it is a real folder (not a symlink) owned by the user and writable by
/// nobody else, so another local user cannot plant a folder or link for it to write into.</summary>
internal static class SandboxStateDirectory
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The folder to use: a new private temporary one when <paramref name="requested"/> is null;
    /// <paramref name="what"/> names it in errors.</summary>
    public static string Prepare(string? requested, string what = "--state-dir")
    {
        if (requested is null)
        {
            // mkdtemp: a fresh, unpredictable name created with mode 0700.
            return Directory.CreateTempSubdirectory("session-audit-sandbox-").FullName;
        }

        var info = new DirectoryInfo(requested);
        if (info.LinkTarget is not null || (File.Exists(requested) && new FileInfo(requested).LinkTarget is not null))
        {
            throw new UsageException($"{what}: {requested} is a symbolic link; give a real folder");
        }

        if (File.Exists(requested))
        {
            throw new UsageException($"{what}: {requested} is a file, not a folder");
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(requested);
            return info.FullName;
        }

        if (!info.Exists)
        {
            Directory.CreateDirectory(requested, Private);
            return info.FullName;
        }

        if (OwnerOf(info.FullName) is { } owner && owner != geteuid())
        {
            throw new UsageException($"{what}: {requested} belongs to another user (uid {owner}); give a folder of your own");
        }

        if ((info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new UsageException($"{what}: {requested} is writable by other users; chmod 700 it or give another folder");
        }

        return info.FullName;
    }

    // statx has one layout on every Linux architecture (uid at byte 20), unlike struct stat.
    private static uint? OwnerOf(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        const int AtFdCwd = -100;
        const int AtSymlinkNoFollow = 0x100;
        const uint StatxUid = 0x8;
        var buffer = new byte[256];
        return statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, buffer) == 0 ? BitConverter.ToUInt32(buffer, 20) : null;
    }

    // DllImport, not LibraryImport: the generated marshalling needs unsafe code, and these two calls need none.
#pragma warning disable SYSLIB1054, CA5392, CA2101
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc")]
    private static extern uint geteuid();
#pragma warning restore SYSLIB1054, CA5392, CA2101
}
