namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>
/// The transactions-per-second quotas AWS states for single operations, per account and region. A call over the quota
/// is refused with the service's throttling error before it is validated or served; refused calls do not count.
/// Counted in whole seconds of the sandbox clock (AWS does not publish its algorithm; a fixed window is the simplest
/// reading of "N transactions per second"). Sources are in docs/SANDBOX-AWS.md, "Operation quotas".
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

    private readonly Dictionary<(string Account, string Region, string Key), (long Second, int Count)> windows = [];

    /// <summary>Counts one call; false when it is over the operation's quota in that account, region and second.</summary>
    public bool TryTake(string account, string region, string service, string operation, DateTimeOffset now)
    {
        string key = service + ":" + operation;
        if (!PerSecond.TryGetValue(key, out int limit)) return true;
        long second = now.ToUnixTimeSeconds();
        lock (windows)
        {
            var id = (account, region, key);
            var (at, count) = windows.TryGetValue(id, out var w) && w.Second == second ? w : (second, 0);
            if (count >= limit) return false;
            windows[id] = (at, count + 1);
            return true;
        }
    }
}
