namespace SessionAudit.Bench.Output;

/// <summary>Percentiles by the nearest-rank method (p99 of 100 samples is the 99th smallest).</summary>
public static class Stats
{
    public static double? Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Round(double v, int digits = 3) => Math.Round(v, digits, MidpointRounding.AwayFromZero);
}
