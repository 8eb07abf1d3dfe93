using System.CommandLine;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Cli;

/// <summary>The flags of `session-audit run`, shared with `sandbox`, which runs the same operator in-process.</summary>
internal sealed class RunOptions
{
    private readonly Option<string?> kubeconfig = CliOptions.Kubeconfig();

    private readonly Option<int> concurrency = new("--concurrency")
    {
        Description = "Policies reconciled at the same time (1-64).",
        DefaultValueFactory = _ => 16,
    };

    private readonly Option<string> resync = new("--resync")
    {
        Description = "How often every policy is re-read and AWS re-checked for drift, for example 5m.",
        DefaultValueFactory = _ => "5m",
    };

    private readonly Option<bool> leaderElect = new("--leader-elect")
    {
        Description = "Hold a coordination.k8s.io Lease so that only one replica reconciles. Turn off for local runs.",
        DefaultValueFactory = _ => true,
    };

    private readonly Option<string?> leaderElectionNamespace = new("--leader-election-namespace")
    {
        Description = "Namespace of the Lease. Defaults to kube-system: the policies are cluster-scoped, so one Lease per cluster keeps a second install from leading over them.",
    };

    private readonly Option<string> leaseDuration = new("--lease-duration")
    {
        Description = "How long a Lease is valid without renewal; a standby takes over after it.",
        DefaultValueFactory = _ => "15s",
    };

    private readonly Option<string> renewDeadline = new("--renew-deadline")
    {
        Description = "How long the leader keeps trying to renew before it stops reconciling.",
        DefaultValueFactory = _ => "10s",
    };

    private readonly Option<string> retryPeriod = new("--retry-period")
    {
        Description = "How often candidates try to acquire or renew the Lease.",
        DefaultValueFactory = _ => "2s",
    };

    private readonly Option<int> metricsPort = new("--metrics-port")
    {
        Description = "Port of /metrics, /healthz and /readyz on every address (0 picks a free one, -1 serves none).",
        DefaultValueFactory = _ => 8080,
    };

    private readonly Option<int> reportsPort = new("--reports-port")
    {
        Description = "Port of /reports (who connected to which instance) on 127.0.0.1 only: reach it with kubectl port-forward, which RBAC guards (0 picks a free one, -1 serves none).",
        DefaultValueFactory = _ => 8081,
    };

    private readonly Option<string> logFormat = new("--log-format")
    {
        Description = "Log format.",
        DefaultValueFactory = _ => "text",
    };

    private readonly Option<LogLevel> logLevel = new("--log-level")
    {
        Description = "Minimum log level.",
        DefaultValueFactory = _ => LogLevel.Information,
    };

    private RunOptions()
    {
        logFormat.AcceptOnlyFromAmong("text", "json");
        RequireDuration(resync);
        RequireDuration(leaseDuration);
        RequireDuration(renewDeadline);
        RequireDuration(retryPeriod);
        concurrency.Validators.Add(r =>
        {
            // A value that is not a number is reported by the parser itself; reading it here would throw.
            if (r.Tokens.Count == 0 || !int.TryParse(r.Tokens[^1].Value, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                return;
            }

            if (v is < 1 or > 64)
            {
                r.AddError($"--concurrency must be between 1 and 64, not {v}");
            }
        });
    }

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
        command.Options.Add(o.leaseDuration);
        command.Options.Add(o.renewDeadline);
        command.Options.Add(o.retryPeriod);
        command.Options.Add(o.metricsPort);
        command.Options.Add(o.reportsPort);
        command.Options.Add(o.logFormat);
        command.Options.Add(o.logLevel);
        return o;
    }

    public OperatorSettings Read(ParseResult parse) => new()
    {
        Kubeconfig = parse.GetValue(kubeconfig),
        Concurrency = parse.GetValue(concurrency),
        Resync = CliOptions.ParseDuration(parse.GetValue(resync)!, "--resync"),
        LeaderElection = parse.GetValue(leaderElect),
        LeaderElectionNamespace = parse.GetValue(leaderElectionNamespace),
        LeaseDuration = CliOptions.ParseDuration(parse.GetValue(leaseDuration)!, "--lease-duration"),
        RenewDeadline = CliOptions.ParseDuration(parse.GetValue(renewDeadline)!, "--renew-deadline"),
        RetryPeriod = CliOptions.ParseDuration(parse.GetValue(retryPeriod)!, "--retry-period"),
        MetricsPort = parse.GetValue(metricsPort),
        ReportsPort = parse.GetValue(reportsPort),
        JsonLogs = parse.GetValue(logFormat) == "json",
        LogLevel = parse.GetValue(logLevel),
    };
}
