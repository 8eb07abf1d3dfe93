using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Reports;

/// <summary>
/// When a policy's session report is refreshed: on its own interval after the last one (not on every reconcile), and at
/// once when status holds none, when the lookback changed since, or when the rendered copy is gone (the operator restarted).
/// </summary>
public static class ReportSchedule
{
    /// <summary>The interval of a spec that names none the operator can read (the CRD's default).</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);

    /// <summary>How soon a refresh that failed for a passing reason (throttling, a timeout) is tried again.</summary>
    public static readonly TimeSpan TransientRetry = TimeSpan.FromMinutes(1);

    /// <summary>The refresh interval <paramref name="spec"/> names; <see cref="DefaultInterval"/> when it names none that parses
    /// to a positive duration.</summary>
    public static TimeSpan Interval(ReportSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Durations.TryParse(spec.Interval, out var interval) && interval > TimeSpan.Zero ? interval : DefaultInterval;
    }

    /// <summary>How long until the next refresh is due at <paramref name="now"/>: zero when it is due now.</summary>
    /// <param name="spec">The report the policy asks for.</param>
    /// <param name="previous">The summary in the policy's status, if any.</param>
    /// <param name="hasStoredCopy">Whether the operator still holds the report it last rendered.</param>
    /// <param name="now">The current time.</param>
    public static TimeSpan DueIn(ReportSpec spec, ReportSummary? previous, bool hasStoredCopy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (previous?.LastReportTime is not { } last || previous.Window?.Days != spec.LookbackDays || !hasStoredCopy)
        {
            return TimeSpan.Zero;
        }

        var dueIn = last + Interval(spec) - now;
        return dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero;
    }

    /// <summary>How soon a refresh that failed is tried again: <see cref="TransientRetry"/> for a passing failure, the
    /// interval for one that will not pass by itself (a denied call, a missing resource).</summary>
    public static TimeSpan RetryIn(ReportSpec spec, bool transient) => transient ? TransientRetry : Interval(spec);
}
