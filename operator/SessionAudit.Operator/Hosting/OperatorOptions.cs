using System.Globalization;
using System.Net;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.LeaderElection;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Hosting;

/// <summary>
/// What the operator needs to start, each default stated here and nowhere else: the flags of `session-audit run` show
/// these defaults, configuration (the environment, then the flags given) is bound over them, and they are validated
/// before anything starts. <see cref="ApplyTo"/> hands them to the controller runtime.
/// </summary>
public sealed record OperatorOptions
{
    /// <summary>The configuration section bound to these options (in the environment: <c>SessionAudit__Concurrency</c>, ...).</summary>
    public const string Section = "SessionAudit";

    /// <summary>Most policies reconciled at the same time.</summary>
    public const int MaxConcurrency = 64;

    /// <summary>Name of the Lease, component on Events and field manager of every write.</summary>
    public const string Component = "session-audit-operator";

    // The Lease timings are the runtime's own (controller-runtime's): the operator has no reason to differ.
    private static readonly LeaderElectionOptions RuntimeLease = new();
    private static readonly ControllerOptions RuntimeController = new();

    /// <summary>Kubeconfig file; null: KUBECONFIG, then in-cluster, then ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Policies reconciled at the same time: reconciles mostly wait on AWS (docs/PERFORMANCE.md).</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>How often every policy is reconciled again, so drift in AWS is found.</summary>
    public TimeSpan Resync { get; set; } = TimeSpan.FromMinutes(5);

    public bool LeaderElection { get; set; } = true;

    /// <summary>Namespace of the Lease; null: the runtime's choice for cluster-scoped resources (kube-system).</summary>
    public string? LeaderElectionNamespace { get; set; }

    public TimeSpan LeaseDuration { get; set; } = RuntimeLease.LeaseDuration;

    public TimeSpan RenewDeadline { get; set; } = RuntimeLease.RenewDeadline;

    public TimeSpan RetryPeriod { get; set; } = RuntimeLease.RetryPeriod;

    /// <summary>First retry of a policy after a transient failure (an AWS call throttled or failing); doubles with every
    /// further failure. The runtime's default (client-go's 5 ms) would hammer an AWS API that is already throttling.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the retry delay of one policy.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the operator, when it has no work, gives the memory the GC holds unused back to the system; zero:
    /// never. The runtime's own default: one full collection a minute at most, only after something was allocated.</summary>
    public TimeSpan IdleMemoryTrim { get; set; } = RuntimeController.IdleMemoryTrim;

    /// <summary>Port of /metrics, /healthz and /readyz; 0 picks a free one, -1 serves none.</summary>
    public int MetricsPort { get; set; } = 8080;

    /// <summary>Port of the reports listener, always on 127.0.0.1 (session data: reached with kubectl port-forward); -1 for none.</summary>
    public int ReportsPort { get; set; } = 8081;

    /// <summary>Namespace of the Secrets AwsAccounts keep their external ids in: the operator's own (POD_NAMESPACE in a
    /// pod), else session-audit-system. The operator may read Secrets there only.</summary>
    public string SecretNamespace { get; set; } = Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } ns ? ns : "session-audit-system";

    /// <summary>Address the metrics/health port listens on: every address in a pod (the kubelet probes it), loopback for the sandbox verb.</summary>
    public IPAddress MetricsAddress { get; set; } = IPAddress.Any;

    /// <summary>"text" or "json" (one object per line).</summary>
    public string LogFormat { get; set; } = "text";

    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    public bool JsonLogs => LogFormat == "json";

    /// <summary>The configuration key of a property, e.g. "SessionAudit:Concurrency".</summary>
    public static string Key(string property) => Section + ":" + property;

    /// <summary>Binds the options from <paramref name="configuration"/> over their defaults, then applies <paramref name="configure"/>.</summary>
    /// <exception cref="InvalidOperationException">A configured value that does not convert to its property's type.</exception>
    public static OperatorOptions Bind(IConfiguration configuration, Action<OperatorOptions>? configure = null)
    {
        var options = new OperatorOptions();
        configuration.GetSection(Section).Bind(options);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Messages for every invalid value, each naming the flag (or, without one, the configuration key); empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (Concurrency is < 1 or > MaxConcurrency) yield return $"--concurrency must be between 1 and {MaxConcurrency}, not {Concurrency}";
        if (Resync < TimeSpan.FromSeconds(1)) yield return $"--resync must be at least 1s, not {Text(Resync)}";
        if (LeaderElection)
        {
            if (RetryPeriod <= TimeSpan.Zero) yield return $"--retry-period must be positive, not {Text(RetryPeriod)}";
            if (LeaseDuration < TimeSpan.FromSeconds(1)) yield return $"--lease-duration must be at least 1s, not {Text(LeaseDuration)}";
            if (LeaseDuration <= RenewDeadline) yield return $"--lease-duration ({Text(LeaseDuration)}) must be longer than --renew-deadline ({Text(RenewDeadline)})";
            if (RenewDeadline <= RetryPeriod * 1.2) yield return $"--renew-deadline ({Text(RenewDeadline)}) must be longer than 1.2 × --retry-period ({Text(RetryPeriod)})";
        }

        if (MetricsPort is < -1 or > 65535) yield return $"--metrics-port must be a port number from 0 to 65535 or -1 for none, not {MetricsPort}";
        if (ReportsPort is < -1 or > 65535) yield return $"--reports-port must be a port number from 0 to 65535 or -1 for none, not {ReportsPort}";
        if (string.IsNullOrEmpty(SecretNamespace) || SecretNamespace.Length > 63 || !SecretNamespace.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            yield return $"--secret-namespace must be a namespace name (RFC 1123 label), not '{SecretNamespace}'";
        if (LogFormat is not ("text" or "json")) yield return $"--log-format must be text or json, not '{LogFormat}'";
        if (RetryBaseDelay <= TimeSpan.Zero) yield return $"{Key(nameof(RetryBaseDelay))} must be positive, not {RetryBaseDelay}";
        if (IdleMemoryTrim < TimeSpan.Zero || IdleMemoryTrim > TimeSpan.FromDays(1)) yield return $"{Key(nameof(IdleMemoryTrim))} must be zero (never) or positive up to a day, not {IdleMemoryTrim}";
        if (RetryMaxDelay < RetryBaseDelay) yield return $"{Key(nameof(RetryMaxDelay))} ({RetryMaxDelay}) must be at least {Key(nameof(RetryBaseDelay))} ({RetryBaseDelay})";
    }

    /// <summary>The operator's settings of its controller: what the runtime leaves to its user, and the values the operator states above.</summary>
    public void ApplyTo(ControllerOptions controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        controller.Kubeconfig = Kubeconfig;
        controller.Concurrency = Concurrency;
        controller.Resync = Resync;
        // A due session report is made inside the reconcile: 100,000 sessions take about 50 s at the client's rate
        // limit (docs/PERFORMANCE.md), so the runtime's default of 2 minutes would cancel a report of some 250,000
        // sessions on every attempt.
        controller.ReconcileTimeout = TimeSpan.FromMinutes(10);
        controller.EventComponent = Component;
        controller.FieldManager = Component;
        controller.LeaderElection.Enabled = LeaderElection;
        controller.LeaderElection.Namespace = LeaderElectionNamespace;
        controller.LeaderElection.Name = Component;
        controller.LeaderElection.LeaseDuration = LeaseDuration;
        controller.LeaderElection.RenewDeadline = RenewDeadline;
        controller.LeaderElection.RetryPeriod = RetryPeriod;
        controller.QueueRateLimits.BaseDelay = RetryBaseDelay;
        controller.QueueRateLimits.MaxDelay = RetryMaxDelay;
        controller.IdleMemoryTrim = IdleMemoryTrim;
    }

    // Durations below a second print as TimeSpan, where Durations would round them to whole seconds.
    private static string Text(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0 && value > TimeSpan.Zero ? Durations.Format(value) : value.ToString("c", CultureInfo.InvariantCulture);
}
