namespace SessionAudit.Kubernetes.LeaderElection;

/// <summary>Leader election through a coordination.k8s.io Lease. Defaults as controller-runtime (15 s / 10 s / 2 s).</summary>
public sealed record LeaderElectionOptions
{
    /// <summary>False runs the controller without a Lease (local runs, `--leader-elect=false`).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Namespace of the Lease; null: POD_NAMESPACE in a cluster, else the kubeconfig context's namespace, else "default".</summary>
    public string? Namespace { get; set; }

    /// <summary>Name of the Lease; null: "&lt;plural&gt;.&lt;group&gt;-leader" of the controlled resource.</summary>
    public string? Name { get; set; }

    /// <summary>This process's identity; null: POD_NAME / HOSTNAME in a cluster, else "host_pid".</summary>
    public string? Identity { get; set; }

    /// <summary>How long a Lease holds without renewal before a standby may take it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it stops leading.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause between attempts to acquire or renew.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On a clean stop, give the Lease up so a standby takes over at once.</summary>
    public bool ReleaseOnCancel { get; set; } = true;

    /// <summary>
    /// Time kept for releasing the Lease at a clean stop: the host's shutdown gives in-flight reconciles its timeout less
    /// this, so the release is sent even when they drain to the end (a standby then need not wait a lease duration).
    /// </summary>
    public TimeSpan ReleaseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages for every invalid value; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (RetryPeriod <= TimeSpan.Zero) yield return "LeaderElection.RetryPeriod must be positive";
        if (ReleaseTimeout <= TimeSpan.Zero) yield return "LeaderElection.ReleaseTimeout must be positive";
        if (LeaseDuration <= RenewDeadline) yield return "LeaderElection.LeaseDuration must be greater than RenewDeadline";
        if (RenewDeadline <= RetryPeriod * 1.2) yield return "LeaderElection.RenewDeadline must be greater than 1.2 × RetryPeriod";
        if (LeaseDuration.TotalSeconds < 1) yield return "LeaderElection.LeaseDuration must be at least 1s (the Lease counts whole seconds)";
        if (Name is { Length: 0 }) yield return "LeaderElection.Name must not be empty";
        if (Identity is { Length: 0 }) yield return "LeaderElection.Identity must not be empty";
    }
}
