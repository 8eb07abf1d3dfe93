using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>Timestamp conversions between handler values (DateTimeOffset) and the wire formats.</summary>
internal static class Timestamps
{
    public static DateTimeOffset? Read(JsonNode? node)
    {
        if (node is null) return null;
        if (node is JsonValue v)
        {
            if (v.TryGetValue<DateTimeOffset>(out var d)) return d;
            if (v.TryGetValue<DateTime>(out var dt)) return new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc));
            if (v.GetValueKind() == JsonValueKind.Number) return DateTimeOffset.FromUnixTimeMilliseconds((long)(Numbers.ToDouble(v) * 1000));
            if (v.GetValueKind() == JsonValueKind.String)
            {
                string s = v.GetValue<string>();
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double secs)) return DateTimeOffset.FromUnixTimeMilliseconds((long)(secs * 1000));
                if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var p)) return p;
            }
        }

        return null;
    }

    public static string Iso(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Rfc1123(DateTimeOffset d) => d.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);

    public static double Epoch(DateTimeOffset d) => Math.Round(d.ToUnixTimeMilliseconds() / 1000.0, 3);
}
