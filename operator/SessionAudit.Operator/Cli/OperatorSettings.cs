namespace SessionAudit.Operator.Cli;

/// <summary>Everything `session-audit run` needs to start, read from flags and the environment.</summary>
public sealed record OperatorSettings
{
    public string? Kubeconfig { get; init; }

    public int Concurrency { get; init; } = 16;

    public TimeSpan Resync { get; init; } = TimeSpan.FromMinutes(5);

    public bool LeaderElection { get; init; } = true;

    public string? LeaderElectionNamespace { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    public int MetricsPort { get; init; } = 8080;

    /// <summary>Port of the reports listener, always on 127.0.0.1 (session data: reached with kubectl port-forward); -1 for none.</summary>
    public int ReportsPort { get; init; } = 8081;

    /// <summary>Address the metrics/health port listens on: every address in a pod (the kubelet probes it), loopback for the sandbox verb.</summary>
    public System.Net.IPAddress MetricsAddress { get; init; } = System.Net.IPAddress.Any;

    public bool JsonLogs { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}
