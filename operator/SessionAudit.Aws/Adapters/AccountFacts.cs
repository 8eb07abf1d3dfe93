using System.Collections.Concurrent;

namespace SessionAudit.Aws.Adapters;

/// <summary>What an account says the same whichever session of its role asks, kept once per role (or the operator's own
/// credentials) and region instead of once per policy session: the account id behind the credentials and the last
/// trail answer. A thousand policies of one account, each with its own role session, read them once, not a thousand
/// times.</summary>
internal sealed class AccountFacts
{
    private readonly Lock _gate = new();
    private TrailAnswer? _trail;
    private string? _accountId;

    /// <summary>The account id, once read.</summary>
    public string? AccountId
    {
        get => Volatile.Read(ref _accountId);
        set => Volatile.Write(ref _accountId, value);
    }

    /// <summary>The last trail answer and when its read started.</summary>
    public TrailAnswer? Trail => Volatile.Read(ref _trail);

    /// <summary>Keeps <paramref name="answer"/> unless an answer whose read started later is already kept (a slow
    /// "logging" must not overwrite a newer "not logging").</summary>
    public void Offer(TrailAnswer answer)
    {
        lock (_gate)
        {
            if (_trail is null || _trail.ReadAt <= answer.ReadAt)
            {
                Volatile.Write(ref _trail, answer);
            }
        }
    }
}

/// <summary>A trail answer stamped with the start of its read.</summary>
internal sealed record TrailAnswer(Policy.Ports.AuditTrailInfo Info, DateTimeOffset ReadAt);

/// <summary>Bucket regions, one map for every scope of the operator: bucket names are one namespace per partition, and a
/// bucket's region does not change, so what one policy session learned spares every other a redirect.</summary>
internal sealed class BucketRegionMap
{
    private readonly ConcurrentDictionary<(string Partition, string Bucket), string> _regions = new();

    public bool TryGet(string homeRegion, string bucket, out string region) => _regions.TryGetValue((Policy.Model.Arn.PartitionOf(homeRegion), bucket), out region!);

    public void Set(string homeRegion, string bucket, string region) => _regions[(Policy.Model.Arn.PartitionOf(homeRegion), bucket)] = region;

    /// <summary>How many buckets are known.</summary>
    public int Count => _regions.Count;
}
