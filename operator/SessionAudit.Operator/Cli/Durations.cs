using System.Globalization;
using System.Text.RegularExpressions;

namespace SessionAudit.Operator.Cli;

/// <summary>Go-style durations (30s, 5m, 1h30m) as used in Kubernetes manifests and our flags.</summary>
internal static partial class Durations
{
    [GeneratedRegex(@"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var match = Pattern().Match(text.Trim());
        if (!match.Success || text.Trim().Length == 0)
        {
            return false;
        }

        static long Part(Group g) => g.Success ? long.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        var seconds = (Part(match.Groups[1]) * 3600) + (Part(match.Groups[2]) * 60) + Part(match.Groups[3]);
        if (seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
