using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Readiness;

namespace SessionAudit.Reporting.Engine;

/// <summary>Folds rows into the summary while they stream by; memory grows with distinct targets and owners, not with sessions.</summary>
internal sealed class ReportAggregator
{
    private readonly ReportWindow window;
    private readonly ReportOptions options;
    private readonly DateOnly firstDay;
    private readonly int[] perDay;
    private readonly int[] perDayUnlogged;
    private readonly Dictionary<string, int> byStatus = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> owners = new(StringComparer.Ordinal);
    private readonly Dictionary<NotLoggedReason, int> unloggedByReason = [];
    private readonly NewestRows rows;
    private readonly NewestRows unloggedRows;
    private int total;
    private int unlogged;
    private int missingLogs;

    public ReportAggregator(ReportWindow window, ReportOptions options)
    {
        this.window = window;
        this.options = options;
        firstDay = DateOnly.FromDateTime(window.Start.UtcDateTime);
        var lastDay = DateOnly.FromDateTime(window.End.UtcDateTime);
        var days = lastDay.DayNumber - firstDay.DayNumber + 1;
        perDay = new int[days];
        perDayUnlogged = new int[days];
        rows = new NewestRows(options.MaxRetainedRows);
        unloggedRows = new NewestRows(options.MaxRetainedRows);
    }

    public void Add(SessionRow row)
    {
        total++;
        Increment(byStatus, row.Status);
        if (row.Target is { Length: > 0 } target)
        {
            Increment(targets, target);
        }

        if (row.Owner is { Length: > 0 } owner)
        {
            Increment(owners, owner);
        }

        var day = row.Start is { } start ? DateOnly.FromDateTime(start.UtcDateTime).DayNumber - firstDay.DayNumber : -1;
        var inChart = day >= 0 && day < perDay.Length;
        if (inChart)
        {
            perDay[day]++;
        }

        rows.Add(row);
        if (row.LogDelivered == false)
        {
            missingLogs++;
        }

        if (row.Logged)
        {
            return;
        }

        unlogged++;
        unloggedByReason[row.NotLoggedReason] = unloggedByReason.GetValueOrDefault(row.NotLoggedReason) + 1;
        if (inChart)
        {
            perDayUnlogged[day]++;
        }

        unloggedRows.Add(row);
    }

    public SessionReport Build(IReadOnlyList<InstanceReadiness> instances)
    {
        var summary = new ReportSummary(
            window,
            total,
            new SortedDictionary<string, int>(byStatus, StringComparer.Ordinal),
            targets.Count,
            owners.Count,
            unlogged,
            instances.Sum(i => i.Warnings),
            window.End)
        {
            MissingLogs = missingLogs,
        };

        var days = new DayCount[perDay.Length];
        for (var i = 0; i < days.Length; i++)
        {
            days[i] = new DayCount(firstDay.AddDays(i), perDay[i], perDayUnlogged[i]);
        }

        return new SessionReport(
            summary,
            days,
            Top(targets, options.TopCount),
            Top(owners, options.TopCount),
            new SortedDictionary<NotLoggedReason, int>(unloggedByReason),
            instances,
            rows.NewestFirst(),
            unloggedRows.NewestFirst())
        {
            Account = options.Account,
            Region = options.Region,
        };
    }

    private static void Increment(Dictionary<string, int> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    private static NameCount[] Top(Dictionary<string, int> counts, int n) =>
        [.. counts
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(n)
            .Select(c => new NameCount(c.Key, c.Value))];
}
