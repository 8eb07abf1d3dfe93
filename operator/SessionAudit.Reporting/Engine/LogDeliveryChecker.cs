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
public sealed class LogDeliveryChecker(ISessionActivitySource source, DateTimeOffset now, TimeSpan gracePeriod)
{
    /// <summary>A checker without a grace period: a log not found is missing at once.</summary>
    public LogDeliveryChecker(ISessionActivitySource source)
        : this(source, DateTimeOffset.MaxValue, TimeSpan.Zero)
    {
    }

    private readonly Dictionary<(string Bucket, string Prefix), LogListing> objects = [];
    private readonly Dictionary<(string Group, string Prefix), LogListing> streams = [];
    private readonly Dictionary<string, bool?> encrypted = new(StringComparer.Ordinal);

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
        var recent = row.End is { } end && gracePeriod > TimeSpan.Zero && now - end < gracePeriod ? now - end : (TimeSpan?)null;
        if (!string.IsNullOrEmpty(d.S3BucketName))
        {
            results.Add(await CheckS3Async(row.SessionId, d.S3BucketName, d.S3KeyPrefix ?? string.Empty, d.S3EncryptionEnabled, recent, cancellationToken));
        }

        if (!string.IsNullOrEmpty(d.CloudWatchLogGroupName))
        {
            results.Add(await CheckLogsAsync(row.SessionId, d.CloudWatchLogGroupName, recent, cancellationToken));
        }

        bool? delivered = results.Any(r => r.Delivered == false) ? false : results.Any(r => r.Delivered is null) ? null : true;
        var notes = results.Where(r => r.Note is not null).Select(r => r.Note).ToList();
        return row with
        {
            LogDelivered = delivered,
            LogLocation = string.Join("; ", results.Select(r => r.Location)),
            LogNote = notes.Count == 0 ? null : string.Join("; ", notes),
        };
    }

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

    private async ValueTask<(bool?, string, string?)> CheckS3Async(string sessionId, string bucket, string prefix, bool encryptionRequired, TimeSpan? endedAgo, CancellationToken cancellationToken)
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
                ? (false, $"s3://{bucket}/{key}", $"bucket {bucket} does not exist")
                : (null, $"s3://{bucket}/{key}", $"cannot list s3://{bucket}/{prefix}: {listing.Error}");
        }

        if (names.Contains(key))
        {
            return (true, $"s3://{bucket}/{key}", null);
        }

        if (slashed is not null && names.Contains(slashed))
        {
            return (true, $"s3://{bucket}/{slashed}", null);
        }

        var note = $"no object s3://{bucket}/{key}";
        if (encryptionRequired)
        {
            if (!encrypted.TryGetValue(bucket, out var isEncrypted))
            {
                isEncrypted = await source.IsBucketEncryptedAsync(bucket, cancellationToken);
                encrypted[bucket] = isEncrypted;
            }

            if (isEncrypted == false)
            {
                // The agent refuses such a session at its start: no upload is coming, grace period or not.
                return (false, $"s3://{bucket}/{key}", $"bucket {bucket} is not encrypted while the preferences require encryption (s3EncryptionEnabled): the agent does not upload");
            }
        }

        return NotFound($"s3://{bucket}/{key}", note, endedAgo);
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
