using System.CommandLine;
using System.Globalization;
using SessionAudit.Kubernetes.LeaderElection;
using SessionAudit.Operator.Hosting;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Cli;

/// <summary>
/// The flags of `session-audit run`. Their defaults are <see cref="OperatorOptions"/>' own, shown in the help; the flags
/// given become configuration of those options (<see cref="ToConfiguration"/>), and a flag not given adds nothing.
/// </summary>
internal sealed class RunOptions
{
    private static readonly OperatorOptions Defaults = new();

    private readonly Option<string?> kubeconfig = CliOptions.Kubeconfig();

    private readonly Option<int> concurrency = new("--concurrency")
    {
        Description = $"Policies reconciled at the same time (1-{OperatorOptions.MaxConcurrency}).",
        DefaultValueFactory = _ => Defaults.Concurrency,
    };

    private readonly Option<string> resync = new("--resync")
    {
        Description = "How often every policy is re-read and AWS re-checked for drift, for example 5m.",
        DefaultValueFactory = _ => Durations.Format(Defaults.Resync),
    };

    private readonly Option<bool> leaderElect = new("--leader-elect")
    {
        Description = $"Hold a coordination.k8s.io Lease so that only one replica reconciles ({(Defaults.LeaderElection ? "on" : "off")} unless set). Turn off for local runs.",
        DefaultValueFactory = _ => Defaults.LeaderElection,
    };

    private readonly Option<string?> leaderElectionNamespace = new("--leader-election-namespace")
    {
        Description = $"Namespace of the Lease. Defaults to {LeaseDefaults.ClusterScopedNamespace}: the policies are cluster-scoped, so one Lease per cluster keeps a second install from leading over them.",
    };

    private readonly Option<string?> secretNamespace = new("--secret-namespace")
    {
        Description = $"Namespace of the Secrets AwsAccounts keep their external ids in (externalIdSecretRef); the operator reads Secrets there only. Defaults to POD_NAMESPACE, else {new OperatorOptions().SecretNamespace}.",
    };

    private readonly Option<string> leaseDuration = new("--lease-duration")
    {
        Description = "How long a Lease is valid without renewal; a standby takes over after it.",
        DefaultValueFactory = _ => Durations.Format(Defaults.LeaseDuration),
    };

    private readonly Option<string> renewDeadline = new("--renew-deadline")
    {
        Description = "How long the leader keeps trying to renew before it stops reconciling.",
        DefaultValueFactory = _ => Durations.Format(Defaults.RenewDeadline),
    };

    private readonly Option<string> retryPeriod = new("--retry-period")
    {
        Description = "How often candidates try to acquire or renew the Lease.",
        DefaultValueFactory = _ => Durations.Format(Defaults.RetryPeriod),
    };

    private readonly Option<int> metricsPort = new("--metrics-port")
    {
        Description = "Port of /metrics, /healthz and /readyz on every address (0 picks a free one, -1 serves none).",
        DefaultValueFactory = _ => Defaults.MetricsPort,
    };

    private readonly Option<int> reportsPort = new("--reports-port")
    {
        Description = "Port of /reports (who connected to which instance) on 127.0.0.1 only: reach it with kubectl port-forward, which RBAC guards (0 picks a free one, -1 serves none).",
        DefaultValueFactory = _ => Defaults.ReportsPort,
    };

    private readonly Option<string> logFormat = new("--log-format")
    {
        Description = "Log format.",
        DefaultValueFactory = _ => Defaults.LogFormat,
    };

    private readonly Option<LogLevel> logLevel = new("--log-level")
    {
        Description = "Minimum log level.",
        DefaultValueFactory = _ => Defaults.LogLevel,
    };

    private RunOptions()
    {
        logFormat.AcceptOnlyFromAmong("text", "json");
        RequireDuration(resync);
        RequireDuration(leaseDuration);
        RequireDuration(renewDeadline);
        RequireDuration(retryPeriod);
    }

    // The syntax of a duration is checked while parsing; ranges are the options' to check (OperatorOptions.Validate).
    private static void RequireDuration(Option<string> option)
    {
        option.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string>() ?? string.Empty;
            if (!Durations.TryParse(text, out var value) || value <= TimeSpan.Zero)
            {
                r.AddError($"{option.Name}: '{text}' is not a duration; use a number followed by s, m or h, for example 30s, 5m or 1h");
            }
        });
    }

    public static RunOptions Declare(Command command)
    {
        var o = new RunOptions();
        command.Options.Add(o.kubeconfig);
        command.Options.Add(o.concurrency);
        command.Options.Add(o.resync);
        command.Options.Add(o.leaderElect);
        command.Options.Add(o.leaderElectionNamespace);
        command.Options.Add(o.secretNamespace);
        command.Options.Add(o.leaseDuration);
        command.Options.Add(o.renewDeadline);
        command.Options.Add(o.retryPeriod);
        command.Options.Add(o.metricsPort);
        command.Options.Add(o.reportsPort);
        command.Options.Add(o.logFormat);
        command.Options.Add(o.logLevel);
        return o;
    }

    /// <summary>The flags given on the command line, as configuration keys of <see cref="OperatorOptions"/>.</summary>
    public Dictionary<string, string?> ToConfiguration(ParseResult parse)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Add(kubeconfig, nameof(OperatorOptions.Kubeconfig), v => v);
        Add(concurrency, nameof(OperatorOptions.Concurrency), v => v.ToString(CultureInfo.InvariantCulture));
        AddDuration(resync, nameof(OperatorOptions.Resync));
        Add(leaderElect, nameof(OperatorOptions.LeaderElection), v => v ? "true" : "false");
        Add(leaderElectionNamespace, nameof(OperatorOptions.LeaderElectionNamespace), v => v);
        Add(secretNamespace, nameof(OperatorOptions.SecretNamespace), v => v);
        AddDuration(leaseDuration, nameof(OperatorOptions.LeaseDuration));
        AddDuration(renewDeadline, nameof(OperatorOptions.RenewDeadline));
        AddDuration(retryPeriod, nameof(OperatorOptions.RetryPeriod));
        Add(metricsPort, nameof(OperatorOptions.MetricsPort), v => v.ToString(CultureInfo.InvariantCulture));
        Add(reportsPort, nameof(OperatorOptions.ReportsPort), v => v.ToString(CultureInfo.InvariantCulture));
        Add(logFormat, nameof(OperatorOptions.LogFormat), v => v);
        Add(logLevel, nameof(OperatorOptions.LogLevel), v => v.ToString());
        return values;

        void Add<T>(Option<T> option, string property, Func<T, string?> text)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                values[OperatorOptions.Key(property)] = text(parse.GetValue(option)!);
            }
        }

        // "5m" as configuration writes a TimeSpan: "00:05:00".
        void AddDuration(Option<string> option, string property) =>
            Add(option, property, v => CliOptions.ParseDuration(v, option.Name).ToString("c", CultureInfo.InvariantCulture));
    }
}
