using SessionAudit.Sandbox.Aws;

namespace SessionAudit.Bench.World;

/// <summary>The AWS sandbox's call log, counted: by service:operation, reads, writes, throttled and failed answers.</summary>
public sealed record AwsCallSummary(IReadOnlyDictionary<string, int> ByOperation, int Total, int Reads, int Writes, int Throttled, int ServerErrors)
{
    public static AwsCallSummary Of(IEnumerable<AwsCallRecord> calls, DateTimeOffset? since = null)
    {
        var list = calls.Where(c => since is null || c.Time >= since).ToList();
        var byOp = list.GroupBy(c => c.Service + ":" + c.Operation)
            .OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => g.Count());
        return new AwsCallSummary(
            byOp,
            list.Count,
            list.Count(c => !c.IsWrite),
            list.Count(c => c.IsWrite),
            list.Count(c => c.Throttled),
            list.Count(c => c.Status >= 500 && !c.Throttled));
    }
}
