using System.Diagnostics;

namespace SessionAudit.Bench.World;

/// <summary>Seconds since the bench started, monotonic; sandbox log times (wall clock) map onto the same axis.</summary>
public sealed class BenchClock
{
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private readonly DateTimeOffset startedUtc = DateTimeOffset.UtcNow;

    public double Now => watch.Elapsed.TotalSeconds;

    public double FromUtc(DateTimeOffset time) => (time - startedUtc).TotalSeconds;

    public DateTimeOffset ToUtc(double seconds) => startedUtc + TimeSpan.FromSeconds(seconds);
}
