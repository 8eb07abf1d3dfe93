namespace SessionAudit.Kubernetes.Informer;

/// <summary>Timings of list and watch. Defaults follow client-go's reflector.</summary>
public sealed record InformerOptions
{
    /// <summary>Lower bound of the random `timeoutSeconds` asked of each watch.</summary>
    public TimeSpan WatchTimeoutMin { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Upper bound of the random `timeoutSeconds` asked of each watch.</summary>
    public TimeSpan WatchTimeoutMax { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>
    /// Watchdog beyond the watch's own `timeoutSeconds`: a watch still open this long after its timeoutSeconds is
    /// abandoned and re-opened from the last resourceVersion. Guards against connections that hang without closing;
    /// never fires on a healthy watch, which the server ends by timeoutSeconds even when it sends no bookmarks (they are
    /// not guaranteed) and no events.
    /// </summary>
    public TimeSpan WatchIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>First reconnect delay after a failed list or watch; doubles, jittered.</summary>
    public TimeSpan BackoffInitial { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Upper bound of the reconnect delay.</summary>
    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>`limit` of each list page.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>Drop metadata.managedFields before caching an object (the default): they take about a third of its
    /// memory and no reconciler needs them. Turn off only for a controller that reads field ownership.</summary>
    public bool StripManagedFields { get; set; } = true;

    /// <summary>Watch one namespace only; null watches all namespaces (and cluster-scoped types).</summary>
    public string? Namespace { get; set; }

    /// <summary>Messages for every invalid value; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (WatchTimeoutMin < TimeSpan.FromSeconds(1)) yield return "Informer.WatchTimeoutMin must be at least 1s";
        if (WatchTimeoutMax < WatchTimeoutMin) yield return "Informer.WatchTimeoutMax must be at least WatchTimeoutMin";
        if (WatchIdleTimeout <= TimeSpan.Zero) yield return "Informer.WatchIdleTimeout must be positive";
        if (BackoffInitial <= TimeSpan.Zero) yield return "Informer.BackoffInitial must be positive";
        if (BackoffMax < BackoffInitial) yield return "Informer.BackoffMax must be at least BackoffInitial";
        if (PageSize < 1) yield return "Informer.PageSize must be at least 1";
    }
}
