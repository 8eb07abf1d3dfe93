using System.Runtime.CompilerServices;
using SessionAudit.Reporting.Ports;

namespace SessionAudit.Reporting.Tests.Support;

/// <summary>An in-memory source that hands out its lists in pages of 200, like DescribeSessions, and records what it was asked.</summary>
internal sealed class FakeSessionActivitySource(
    IReadOnlyList<SessionRecord> history,
    IReadOnlyList<SessionRecord> active,
    IReadOnlyList<ManagedInstance>? instances = null) : ISessionActivitySource
{
    public const int PageSize = 200;

    public List<(SessionState State, DateTimeOffset InvokedAfter)> Calls { get; } = [];

    public int PagesServed { get; private set; }

    // Deliberately ignores invokedAfter: the engine must enforce the window itself.
    public async IAsyncEnumerable<SessionRecord> GetSessionsAsync(
        SessionState state, DateTimeOffset invokedAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Calls.Add((state, invokedAfter));
        var list = state == SessionState.History ? history : active;
        for (var i = 0; i < list.Count; i++)
        {
            if (i % PageSize == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                PagesServed++;
                await Task.Yield();
            }

            yield return list[i];
        }
    }

    /// <summary>Session documents by name; the AWS-owned ones are known, any other name is a Standard_Stream document unless set here.</summary>
    public Dictionary<string, SessionDocumentType> Documents { get; } = new(StringComparer.Ordinal)
    {
        ["AWS-StartPortForwardingSession"] = new("Port"),
        ["AWS-StartPortForwardingSessionToRemoteHost"] = new("Port"),
        ["AWS-StartPortForwardingSessionToSocket"] = new("Port"),
        ["AWS-StartSSHSession"] = new("Port"),
        ["AWS-StartInteractiveCommand"] = new("InteractiveCommands"),
        ["AWS-StartNonInteractiveCommand"] = new("NonInteractiveCommands"),
    };

    /// <summary>The documents asked for, in order.</summary>
    public List<string> DocumentReads { get; } = [];

    public Task<SessionDocumentType> GetSessionTypeAsync(string documentName, CancellationToken cancellationToken)
    {
        DocumentReads.Add(documentName);
        return Task.FromResult(Documents.GetValueOrDefault(documentName) ?? new SessionDocumentType("Standard_Stream"));
    }

    /// <summary>S3 keys per bucket; a bucket not here does not exist. <see cref="UnreadableBuckets"/> answer AccessDenied.</summary>
    public Dictionary<string, List<string>> Buckets { get; } = new(StringComparer.Ordinal);

    /// <summary>Buckets whose listing is refused.</summary>
    public HashSet<string> UnreadableBuckets { get; } = new(StringComparer.Ordinal);

    /// <summary>Buckets without default encryption.</summary>
    public HashSet<string> UnencryptedBuckets { get; } = new(StringComparer.Ordinal);

    /// <summary>Log stream names per log group; a group not here does not exist.</summary>
    public Dictionary<string, List<string>> LogGroups { get; } = new(StringComparer.Ordinal);

    /// <summary>The listings asked for: ("s3", bucket, prefix) or ("logs", group, prefix), and encryption reads ("enc", bucket, "").</summary>
    public List<(string Kind, string Name, string Prefix)> Listings { get; } = [];

    public Task<LogListing> ListLogObjectsAsync(string bucket, string keyPrefix, CancellationToken cancellationToken)
    {
        Listings.Add(("s3", bucket, keyPrefix));
        if (UnreadableBuckets.Contains(bucket))
        {
            return Task.FromResult(LogListing.Unreadable("AccessDenied: Access Denied"));
        }

        return Task.FromResult(Buckets.TryGetValue(bucket, out var keys)
            ? new LogListing(keys.Where(k => k.StartsWith(keyPrefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal))
            : LogListing.NotFound("NoSuchBucket: The specified bucket does not exist"));
    }

    public Task<LogListing> ListLogStreamsAsync(string logGroupName, string streamNamePrefix, CancellationToken cancellationToken)
    {
        Listings.Add(("logs", logGroupName, streamNamePrefix));
        return Task.FromResult(LogGroups.TryGetValue(logGroupName, out var names)
            ? new LogListing(names.Where(n => n.StartsWith(streamNamePrefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal))
            : LogListing.NotFound("ResourceNotFoundException: The specified log group does not exist."));
    }

    public Task<bool?> IsBucketEncryptedAsync(string bucket, CancellationToken cancellationToken)
    {
        Listings.Add(("enc", bucket, ""));
        return Task.FromResult<bool?>(Buckets.ContainsKey(bucket) ? !UnencryptedBuckets.Contains(bucket) : null);
    }

    /// <summary>Buckets encrypted with a customer-managed key: the key's ARN.</summary>
    public Dictionary<string, string> CustomerKeys { get; } = new(StringComparer.Ordinal);

    public async Task<BucketEncryption> GetBucketEncryptionAsync(string bucket, CancellationToken cancellationToken) =>
        new(await IsBucketEncryptedAsync(bucket, cancellationToken), CustomerKeys.GetValueOrDefault(bucket));

    /// <summary>The role each instance runs with; an instance not here has no readable role.</summary>
    public Dictionary<string, string> InstanceRoles { get; } = new(StringComparer.Ordinal);

    /// <summary>The instance ids asked for, one list per call.</summary>
    public List<IReadOnlyCollection<string>> RoleLookups { get; } = [];

    public Task<IReadOnlyDictionary<string, string>> GetInstanceRolesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        RoleLookups.Add([.. instanceIds]);
        return Task.FromResult<IReadOnlyDictionary<string, string>>(
            instanceIds.Where(InstanceRoles.ContainsKey).ToDictionary(i => i, i => InstanceRoles[i], StringComparer.Ordinal));
    }

    public async IAsyncEnumerable<ManagedInstance> GetInstancesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var instance in instances ?? [])
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return instance;
        }
    }
}
