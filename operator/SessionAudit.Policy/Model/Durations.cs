using System.Globalization;
using System.Text.RegularExpressions;

namespace SessionAudit.Policy.Model;

/// <summary>Parses the Go-style durations of the spec (hours, minutes, seconds: 30s, 5m, 1h30m).</summary>
public static partial class Durations
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a duration or overflows.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || text.Length > 32)
        {
            return false;
        }

        var match = DurationRegex().Match(text);
        if (!match.Success)
        {
            return false;
        }

        long seconds = 0;
        foreach (var (group, factor) in new[] { ("h", 3600L), ("m", 60L), ("s", 1L) })
        {
            var g = match.Groups[group];
            if (!g.Success)
            {
                continue;
            }

            if (!long.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 10_000_000)
            {
                return false;
            }

            seconds += n * factor;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>Formats a duration the way the spec writes them (1h30m, 5m, 30s).</summary>
    public static string Format(TimeSpan duration)
    {
        var total = (long)duration.TotalSeconds;
        var h = total / 3600;
        var m = total % 3600 / 60;
        var s = total % 60;
        var text = (h > 0 ? $"{h}h" : "") + (m > 0 ? $"{m}m" : "") + (s > 0 ? $"{s}s" : "");
        return text.Length == 0 ? "0s" : text;
    }

    [GeneratedRegex("^(?:(?<h>[0-9]+)h)?(?:(?<m>[0-9]+)m)?(?:(?<s>[0-9]+)s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationRegex();
}
