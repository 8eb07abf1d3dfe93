using System.Runtime.InteropServices;

namespace SessionAudit.Operator.Hosting;

/// <summary>
/// The C heap of the process. glibc gives each thread that allocates concurrently an arena of its own, up to eight per
/// core, and memory freed into an arena other than the main one is seldom given back; the runtime's native allocations
/// (JIT, type loader, TLS, zlib) from a dozen threads then keep several arenas partly full. <c>MALLOC_ARENA_MAX=2</c>
/// measured 7 MB less RSS at 100 policies over 50 scopes (157.2 against 164.5 MB), and this call at the start of Main
/// 157.5 MB in the full run (docs/PERFORMANCE.md); the variable still wins when set. Arenas made before the call (by the
/// runtime's own threads, before Main) are kept; the limit applies to every arena asked for after it.
/// </summary>
internal static class NativeHeap
{
    /// <summary>Arenas the operator's process uses at most.</summary>
    public const int MaxArenas = 2;

    private const int ArenaMax = -8; // M_ARENA_MAX in glibc's malloc.h

    /// <summary>Limits glibc's malloc arenas to <see cref="MaxArenas"/>; false where there is no glibc or the environment chose.</summary>
    public static bool LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { Length: > 0 })
        {
            return false;
        }

        try
        {
            return mallopt(ArenaMax, MaxArenas) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (musl has no arenas to limit)
        }
    }

    // DllImport rather than LibraryImport: two ints need no marshalling code, and LibraryImport would need unsafe blocks.
    [DllImport("libc.so.6", EntryPoint = "mallopt", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int mallopt(int param, int value);
}
