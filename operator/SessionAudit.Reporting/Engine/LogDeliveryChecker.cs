using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Ports;

namespace SessionAudit.Reporting.Engine;

/// <summary>
/// Decides whether an ended, logged session's log was delivered where its preferences send it. The agent writes
/// <c>&lt;s3KeyPrefix&gt;&lt;session-id&gt;.log</c> to the bucket and a stream named <c>&lt;session-id&gt;</c> to the log group.
/// Each bucket and prefix is listed once per report (ListObjectsV2, all pages), and each log group once per session-id
/// prefix (the owner part before the last '-', DescribeLogStreams with logStreamNamePrefix, all pages): the cost grows
/// with the number of destinations and the objects or streams in them, not with one call per session.
/// A log not found for a session that ended less than <paramref name="gracePeriod"/> before <paramref name="now"/> may
/// still be uploading (the agent uploads at the end of the session, and retries): it is unknown, not missing.
/// </summary>
/// <param name="source">Where listings, encryption and instance roles are read.</param>
/// <param name="now">The report's time.</param>
/// <param name="gracePeriod">How long after its end a session's log may still be on the way.</param>
/// <param name="instanceRoles">The policy's spec.instanceRoles; null when the report runs without a policy (the CLI).</param>
public sealed class LogDeliveryChecker(ISessionActivitySource source, DateTimeOffset now, TimeSpan gracePeriod, IReadOnlyCollection<string>? instanceRoles = null)
{
    private readonly Dictionary<(string Bucket, string Prefix), LogListing> objects = [];
    private readonly Dictionary<(string Group, string Prefix), LogListing> streams = [];
    private readonly Dictionary<string, BucketEncryption> encryption = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> roles = new(StringComparer.Ordinal);
    private readonly HashSet<string> listedRoles = new(instanceRoles ?? [], StringComparer.Ordinal);

    // Sessions whose S3 log is missing from a bucket with a customer-managed key, by session id: the key, until the
    // target's role is known (NameFixesAsync).
    private readonly Dictionary<string, string> keyOfPending = new(StringComparer.Ordinal);

    /// <summary>Listings made so far (S3 and CloudWatch together).</summary>
    public int Listings => objects.Count + streams.Count;

    /// <summary>The row with <see cref="SessionRow.LogDelivered"/>, <see cref="SessionRow.LogLocation"/> and
    /// <see cref="SessionRow.LogNote"/> set.</summary>
    /// <param name="row">The row as classified.</param>
    /// <param name="preferences">The document whose preferences apply to the session, as read; null when none could be named.</param>
    public async ValueTask<SessionRow> CheckAsync(SessionRow row, SessionDocumentType? preferences, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.NotLoggedReason == NotLoggedReason.Unknown)
        {
            return row with { LogNote = "whether it is logged is unknown (document unreadable or of an unknown sessionType): not checked" };
        }

        if (!row.Logged)
        {
            return row with { LogNote = "not logged by design" };
        }

        if (row.State == SessionState.Active)
        {
            return row with { LogNote = "still active: not checked" };
        }

        if (preferences?.Destinations is not { } d)
        {
            return row with
            {
                LogNote = preferences is null or { Absent: true } || preferences.Error is null
                    ? "no preferences document: no log destination configured"
                    : $"preferences unreadable: {preferences.Error}",
            };
        }

        if (!d.Any)
        {
            return row with { LogNote = "no log destination configured" };
        }

        var results = new List<(bool? Delivered, string Location, string? Note)>(2);
        string? customerKey = null;
        var recent = row.End is { } end && gracePeriod > TimeSpan.Zero && now - end < gracePeriod ? now - end : (TimeSpan?)null;
        if (!string.IsNullOrEmpty(d.S3BucketName))
        {
            var (s3Delivered, s3Location, s3Note, key) = await CheckS3Async(row.SessionId, d.S3BucketName, d.S3KeyPrefix ?? string.Empty, d.S3EncryptionEnabled, recent, cancellationToken);
            results.Add((s3Delivered, s3Location, s3Note));
            customerKey = key;
        }

        if (!string.IsNullOrEmpty(d.CloudWatchLogGroupName))
        {
            results.Add(await CheckLogsAsync(row.SessionId, d.CloudWatchLogGroupName, recent, cancellationToken));
        }

        bool? delivered = results.Any(r => r.Delivered == false) ? false : results.Any(r => r.Delivered is null) ? null : true;
        var notes = results.Where(r => r.Note is not null).Select(r => r.Note).ToList();
        if (customerKey is not null && !string.IsNullOrEmpty(row.Target))
        {
            keyOfPending[row.SessionId] = customerKey;
        }

        return row with
        {
            LogDelivered = delivered,
            LogLocation = string.Join("; ", results.Select(r => r.Location)),
            LogNote = notes.Count == 0 ? null : string.Join("; ", notes),
        };
    }

    /// <summary>True when <paramref name="row"/> (as returned by <see cref="CheckAsync"/>) waits for its target's role
    /// before its note can name the fix: its S3 log is missing from a bucket encrypted with a customer-managed key.</summary>
    public bool NeedsRole(SessionRow row) => keyOfPending.ContainsKey(row.SessionId);

    /// <summary>The targets of <paramref name="rows"/> whose role is not known yet.</summary>
    public IEnumerable<string> UnresolvedTargets(IEnumerable<SessionRow> rows) =>
        rows.Where(NeedsRole).Select(r => r.Target!).Where(t => !roles.ContainsKey(t)).Distinct(StringComparer.Ordinal);

    /// <summary>Reads the roles of the waiting rows' targets in one batch (only those not read before) and returns the
    /// rows with <see cref="SessionRow.InstanceRole"/> set and the fix named in the note; a role that cannot be read
    /// leaves the note as it was.</summary>
    public async ValueTask<IReadOnlyList<SessionRow>> NameFixesAsync(IReadOnlyList<SessionRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var unresolved = UnresolvedTargets(rows).ToList();
        if (unresolved.Count > 0)
        {
            var found = await source.GetInstanceRolesAsync(unresolved, cancellationToken);
            foreach (var target in unresolved)
            {
                roles[target] = found.TryGetValue(target, out var role) ? role : null;
            }
        }

        var result = new List<SessionRow>(rows.Count);
        foreach (var row in rows)
        {
            if (!keyOfPending.Remove(row.SessionId, out var key) || roles.GetValueOrDefault(row.Target!) is not { } role)
            {
                result.Add(row);
                continue;
            }

            result.Add(row with { InstanceRole = role, LogNote = $"{row.LogNote}: {Fix(role, key)}" });
        }

        return result;
    }

    // The agent uploads with the instance's role, and S3 asks KMS for a data key as that role: without
    // kms:GenerateDataKey on a customer-managed key (a grant, which the operator makes for spec.instanceRoles), no object.
    private string Fix(string role, string key) =>
        instanceRoles is null
            ? $"instance role {role} needs kms:GenerateDataKey on the bucket's key {key}: add it to the policy's spec.instanceRoles so the operator grants it"
            : listedRoles.Contains(role)
                ? $"instance role {role} is in spec.instanceRoles, so the operator should hold a grant (GenerateDataKey) for it on the bucket's key {key}: see the policy's KmsGrantsReady condition"
                : $"instance role {role} is not in spec.instanceRoles: add it so the operator grants it GenerateDataKey on key {key}";

    /// <summary>The verdict for a log not found in a destination that exists: missing, unless the session ended within the
    /// grace period, when the upload may be under way.</summary>
    private static (bool?, string, string?) NotFound(string location, string note, TimeSpan? endedAgo) =>
        endedAgo is { } ago
            ? (null, location, $"{note} yet: the session ended {Ago(ago)} ago and the upload may be under way")
            : (false, location, note);

    private static string Ago(TimeSpan ago) =>
        ago < TimeSpan.FromMinutes(1) ? $"{Math.Max(0, (int)ago.TotalSeconds)}s"
        : ago < TimeSpan.FromHours(1) ? $"{(int)ago.TotalMinutes}m{ago.Seconds:00}s"
        : $"{(int)ago.TotalHours}h{ago.Minutes:00}m";

    private async ValueTask<(bool?, string, string?, string?)> CheckS3Async(string sessionId, string bucket, string prefix, bool encryptionRequired, TimeSpan? endedAgo, CancellationToken cancellationToken)
    {
        var key = prefix + sessionId + ".log";
        // The agent joins a prefix without a trailing slash with one; both spellings are accepted.
        var slashed = prefix.Length > 0 && !prefix.EndsWith('/') ? prefix + "/" + sessionId + ".log" : null;
        if (!objects.TryGetValue((bucket, prefix), out var listing))
        {
            listing = await source.ListLogObjectsAsync(bucket, prefix, cancellationToken);
            objects[(bucket, prefix)] = listing;
        }

        if (listing.Names is not { } names)
        {
            return listing.Missing
                ? (false, $"s3://{bucket}/{key}", $"bucket {bucket} does not exist", null)
                : (null, $"s3://{bucket}/{key}", $"cannot list s3://{bucket}/{prefix}: {listing.Error}", null);
        }

        if (names.Contains(key))
        {
            return (true, $"s3://{bucket}/{key}", null, null);
        }

        if (slashed is not null && names.Contains(slashed))
        {
            return (true, $"s3://{bucket}/{slashed}", null, null);
        }

        var note = $"no object s3://{bucket}/{key}";
        // Read once per bucket with a missing log: without encryption the agent refuses when the preferences require it;
        // with a customer-managed key the uploading role needs a grant whether or not they do (S3 encrypts by default).
        if (!encryption.TryGetValue(bucket, out var info))
        {
            info = await source.GetBucketEncryptionAsync(bucket, cancellationToken);
            encryption[bucket] = info;
        }

        if (encryptionRequired && info.Encrypted == false)
        {
            // The agent refuses such a session at its start: no upload is coming, grace period or not.
            return (false, $"s3://{bucket}/{key}", $"bucket {bucket} is not encrypted while the preferences require encryption (s3EncryptionEnabled): the agent does not upload", null);
        }

        // Only a log missing past the grace period waits for its role's fix.
        var (delivered, location, text) = NotFound($"s3://{bucket}/{key}", note, endedAgo);
        return (delivered, location, text, delivered == false ? info.CustomerKeyArn : null);
    }

    private async ValueTask<(bool?, string, string?)> CheckLogsAsync(string sessionId, string group, TimeSpan? endedAgo, CancellationToken cancellationToken)
    {
        var location = $"{group}/{sessionId}";
        var prefix = StreamPrefix(sessionId);
        if (!streams.TryGetValue((group, prefix), out var listing))
        {
            listing = await source.ListLogStreamsAsync(group, prefix, cancellationToken);
            streams[(group, prefix)] = listing;
        }

        if (listing.Names is not { } names)
        {
            return listing.Missing
                ? (false, location, $"log group {group} does not exist")
                : (null, location, $"cannot list log streams of {group}: {listing.Error}");
        }

        return names.Contains(sessionId) ? (true, location, null) : NotFound(location, $"no log stream {sessionId} in {group}", endedAgo);
    }

    /// <summary>The prefix one stream listing covers for <paramref name="sessionId"/>: up to and including its last '-'
    /// (session ids are <c>&lt;principal&gt;-&lt;hex&gt;</c>, so one listing covers one principal), or the whole id.</summary>
    public static string StreamPrefix(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var dash = sessionId.LastIndexOf('-');
        return dash > 0 ? sessionId[..(dash + 1)] : sessionId;
    }
}
