namespace SessionAudit.Reporting.Model;

/// <summary>What a report covers and how much of it is kept in memory.</summary>
public sealed record ReportOptions
{
    /// <summary>AWS keeps session history for 30 days: the default and the maximum window.</summary>
    public const int MaxDays = 30;

    /// <summary>The number of rows kept for the table and HTML renderers unless told otherwise.</summary>
    public const int DefaultMaxRetainedRows = 5_000;

    /// <summary>Window length in days, 1..30.</summary>
    public int Days { get; init; } = MaxDays;

    /// <summary>
    /// Whether the Session Manager preferences encrypt session data with KMS; when true, nodes whose
    /// SSM Agent is older than 2.3.539.0 are flagged, since they cannot open encrypted sessions.
    /// </summary>
    public bool KmsEncryptionConfigured { get; init; }

    /// <summary>Whether the preferences stream session data to CloudWatch Logs; when true, nodes whose SSM Agent is older
    /// than 3.0.284.0 are flagged (Session Manager prerequisites).</summary>
    public bool CloudWatchStreamingConfigured { get; init; }

    /// <summary>Whether the preferences set a shell profile; when true, nodes whose SSM Agent is older than 3.0.161.0 are
    /// flagged (Session Manager prerequisites).</summary>
    public bool ShellProfileConfigured { get; init; }

    /// <summary>The AWS account the sessions are from (12 digits), shown by every format; null when not known.</summary>
    public string? Account { get; init; }

    /// <summary>The AWS region the sessions are from, shown by every format; null when not known.</summary>
    public string? Region { get; init; }

    /// <summary>The policy's <c>spec.instanceRoles</c> (role ARNs the operator grants the customer-managed keys to), which
    /// decides how a missing log's fix is worded; null when the report runs for no policy (the CLI).</summary>
    public IReadOnlyCollection<string>? InstanceRoles { get; init; }

    /// <summary>How many targets and owners the top lists show.</summary>
    public int TopCount { get; init; } = 10;

    /// <summary>
    /// Rows kept in <see cref="SessionReport.Rows"/> (and as many unlogged rows in <see cref="SessionReport.UnloggedRows"/>)
    /// for the table and HTML renderers. Rows sent to a sink are never capped. Use <see cref="int.MaxValue"/> to keep all.
    /// </summary>
    public int MaxRetainedRows { get; init; } = DefaultMaxRetainedRows;

    /// <summary>
    /// Names of Session documents to take as type Port (not logged) without reading them; every other document's
    /// sessionType is read.
    /// </summary>
    public IReadOnlyCollection<string> AdditionalPortForwardingDocuments { get; init; } = [];

    /// <summary>Whether ended, logged sessions are checked for their log in S3 and CloudWatch Logs (one listing per bucket
    /// and prefix, one per log group and session-id prefix). On by default.</summary>
    public bool CheckLogDelivery { get; init; } = true;

    /// <summary>The default <see cref="LogGracePeriod"/>: the agent uploads when the session ends, usually within
    /// seconds, but retries a failed upload, so a few minutes.</summary>
    public static readonly TimeSpan DefaultLogGracePeriod = TimeSpan.FromMinutes(5);

    /// <summary>The longest <see cref="LogGracePeriod"/> accepted.</summary>
    public static readonly TimeSpan MaxLogGracePeriod = TimeSpan.FromDays(1);

    /// <summary>How long after a session ended its log may still be on its way: a log not found yet for a session that
    /// ended within this period is unknown (null), not missing. Zero: every log must be there at once.</summary>
    public TimeSpan LogGracePeriod { get; init; } = DefaultLogGracePeriod;

    /// <summary>Throws when a value is out of range; the message is one line a person can act on.</summary>
    public void Validate()
    {
        if (Days is < 1 or > MaxDays)
        {
            throw new ArgumentOutOfRangeException(nameof(Days), Days, $"days must be between 1 and {MaxDays} (AWS keeps session history for {MaxDays} days)");
        }

        if (TopCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TopCount), TopCount, "the top lists need at least one entry");
        }

        if (LogGracePeriod < TimeSpan.Zero || LogGracePeriod > MaxLogGracePeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(LogGracePeriod), LogGracePeriod, "the log grace period must be between 0 and 24 hours");
        }

        if (MaxRetainedRows < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetainedRows), MaxRetainedRows, "the number of retained rows cannot be negative");
        }
    }
}
