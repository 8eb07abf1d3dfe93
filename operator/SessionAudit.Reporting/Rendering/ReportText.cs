using System.Globalization;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;

namespace SessionAudit.Reporting.Rendering;

/// <summary>The one way every renderer spells times, durations and reasons, so the formats agree with each other.</summary>
public static class ReportText
{
    /// <summary>A value from AWS made safe to print on a terminal: control characters (C0, DEL, C1: an ESC would let a
    /// node's ComputerName drive the terminal) and bidirectional overrides (which can make text read differently from what
    /// it is) are written as <c>\xNN</c> / <c>\uNNNN</c>.</summary>
    public static string Printable(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value ?? string.Empty;
        }

        var clean = true;
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return value;
        }

        var sb = new System.Text.StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c < 0x100 && NeedsEscape(c))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else if (NeedsEscape(c))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(char c) =>
        c < 0x20 || c is >= '\u007f' and <= '\u009f'
        || c is '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');

    /// <summary>UTC ISO 8601 with the fraction only when there is one, e.g. <c>2025-03-01T09:30:00Z</c>.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>As <see cref="Timestamp(DateTimeOffset)"/>, empty for null.</summary>
    public static string Timestamp(DateTimeOffset? value) => value is { } v ? Timestamp(v) : string.Empty;

    /// <summary>Whole seconds, rounded down; empty for null.</summary>
    public static string Seconds(TimeSpan? value) =>
        value is { } v ? ((long)Math.Floor(v.TotalSeconds)).ToString(CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>A short duration for people: <c>45s</c>, <c>12m05s</c>, <c>3h04m</c>, <c>2d03h</c>; empty for null.</summary>
    public static string Duration(TimeSpan? value)
    {
        if (value is not { } v)
        {
            return string.Empty;
        }

        var inv = CultureInfo.InvariantCulture;
        return v switch
        {
            { TotalDays: >= 1 } => string.Format(inv, "{0}d{1:00}h", (int)v.TotalDays, v.Hours),
            { TotalHours: >= 1 } => string.Format(inv, "{0}h{1:00}m", (int)v.TotalHours, v.Minutes),
            { TotalMinutes: >= 1 } => string.Format(inv, "{0}m{1:00}s", (int)v.TotalMinutes, v.Seconds),
            _ => string.Format(inv, "{0}s", (int)v.TotalSeconds),
        };
    }

    /// <summary>The stable machine code of a reason: <c>port-forwarding</c>, <c>ssh</c>, <c>failed-to-start</c>, <c>unknown</c>; empty when logged.</summary>
    public static string ReasonCode(NotLoggedReason reason) => reason switch
    {
        NotLoggedReason.None => string.Empty,
        NotLoggedReason.PortForwarding => "port-forwarding",
        NotLoggedReason.Ssh => "ssh",
        NotLoggedReason.FailedToStart => "failed-to-start",
        NotLoggedReason.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>The reason for people.</summary>
    public static string ReasonText(NotLoggedReason reason) => reason switch
    {
        NotLoggedReason.None => "logged",
        NotLoggedReason.PortForwarding => "port forwarding",
        NotLoggedReason.Ssh => "SSH",
        NotLoggedReason.FailedToStart => "failed to start",
        NotLoggedReason.Unknown => "unknown: the session document could not be read",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary><c>yes</c>, or <c>no (reason)</c>.</summary>
    public static string LoggedText(SessionRow row) =>
        row.Logged ? "yes" : $"no ({ReasonText(row.NotLoggedReason)})";

    /// <summary>The lower-case name of the DescribeSessions list: <c>history</c> or <c>active</c>.</summary>
    public static string StateCode(SessionState state) => state == SessionState.Active ? "active" : "history";

    /// <summary>A count and its noun, singular for one: <c>1 session</c>, <c>2 sessions</c>, <c>1,000 sessions</c>.</summary>
    public static string Plural(int value, string one, string many) => $"{Count(value)} {(value == 1 ? one : many)}";

    /// <summary>Where the sessions are from, e.g. <c>account 111122223333, us-east-1</c>; empty when neither is known.</summary>
    public static string Source(string? account, string? region) =>
        string.Join(", ", new[] { account is null ? null : "account " + account, region }.Where(p => !string.IsNullOrEmpty(p)));

    /// <summary>An integer with thousands separators, e.g. <c>100,000</c>.</summary>
    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary><c>true</c>, <c>false</c>, or empty for null (a delivery that cannot be known).</summary>
    public static string Delivered(bool? delivered) => delivered switch { true => "true", false => "false", null => string.Empty };

    /// <summary>The log cell of the table and the HTML page: "yes", "MISSING (why)" or "-" (with why, when known).</summary>
    public static string DeliveryText(SessionRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.LogDelivered switch
        {
            true => "yes",
            false => row.LogNote is { } note ? $"MISSING ({note})" : "MISSING",
            null => "-",
        };
    }
}
