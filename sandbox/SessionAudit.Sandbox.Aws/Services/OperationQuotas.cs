namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>
/// The transactions-per-second quotas AWS states for single operations, per account and region. A call over the quota
/// is refused with the service's throttling error before it is validated or served; refused calls do not count.
/// Counted over the last second of the sandbox clock, a sliding window (AWS does not publish its algorithm; this is the
/// strictest plain reading of "N transactions per second": no second anywhere sees more). While the clock stands still
/// every call after the first N in an account and region is refused. Sources are in docs/SANDBOX-AWS.md, "Operation quotas".
/// </summary>
internal sealed class OperationQuotas
{
    /// <summary>service:Operation to calls per second.</summary>
    public static readonly IReadOnlyDictionary<string, int> PerSecond = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        // botocore logs 2014-03-28, DescribeLogStreams: "This operation has a limit of 25 transactions per second".
        ["logs:DescribeLogStreams"] = 25,
        // botocore logs 2014-03-28, CreateLogStream: "There is a limit of 50 TPS on CreateLogStream operations".
        ["logs:CreateLogStream"] = 50,
    };

    private readonly Dictionary<(string Account, string Region, string Key), Queue<DateTimeOffset>> windows = [];

    /// <summary>Counts one call; false when the operation already had its quota of calls in that account and region within
    /// the second before <paramref name="now"/>.</summary>
    public bool TryTake(string account, string region, string service, string operation, DateTimeOffset now)
    {
        string key = service + ":" + operation;
        if (!PerSecond.TryGetValue(key, out int limit)) return true;
        lock (windows)
        {
            var id = (account, region, key);
            if (!windows.TryGetValue(id, out var calls)) windows[id] = calls = new Queue<DateTimeOffset>(limit);
            while (calls.Count > 0 && calls.Peek() <= now - TimeSpan.FromSeconds(1)) calls.Dequeue();
            if (calls.Count >= limit) return false;
            calls.Enqueue(now);
            return true;
        }
    }
}
