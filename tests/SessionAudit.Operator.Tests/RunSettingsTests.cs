using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.LeaderElection;
using SessionAudit.Kubernetes.Queue;
using SessionAudit.Operator.Cli;
using SessionAudit.Operator.Hosting;
using SessionAudit.Policy.Model;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>One path for the settings of `session-audit run`: flags, then configuration, then options, each default once.</summary>
public sealed partial class RunSettingsTests
{
    private static readonly OperatorOptions Defaults = new();

    private static OperatorOptions Parse(params string[] args)
    {
        var command = new Command("run");
        var flags = RunOptions.Declare(command);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return OperatorOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(flags.ToConfiguration(parse)).Build());
    }

    private static async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await SessionAuditCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void A_run_without_flags_has_the_documented_settings()
    {
        var options = Parse();

        Assert.Equal(Defaults, options);
        Assert.Equal(16, options.Concurrency);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Resync);
        Assert.True(options.LeaderElection);
        Assert.Null(options.LeaderElectionNamespace);
        Assert.Equal(TimeSpan.FromSeconds(15), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RenewDeadline);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RetryPeriod);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), options.RetryMaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(1), options.IdleMemoryTrim);
        Assert.Equal(8080, options.MetricsPort);
        Assert.Equal(8081, options.ReportsPort);
        Assert.Equal("text", options.LogFormat);
        Assert.Equal(LogLevel.Information, options.LogLevel);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void A_flag_not_given_adds_no_configuration_so_the_options_keep_their_own_default()
    {
        var command = new Command("run");
        var flags = RunOptions.Declare(command);

        Assert.Empty(flags.ToConfiguration(command.Parse([])));
        Assert.Equal(["SessionAudit:Concurrency"], flags.ToConfiguration(command.Parse(["--concurrency", "4"])).Keys);
    }

    [Fact]
    public void The_operators_values_reach_the_controller_runtime_and_the_rest_stay_the_runtimes()
    {
        var controller = new ControllerOptions();
        Parse().ApplyTo(controller);

        Assert.Equal(16, controller.Concurrency);
        Assert.Equal(TimeSpan.FromMinutes(5), controller.Resync);
        Assert.Equal(TimeSpan.FromSeconds(1), controller.QueueRateLimits.BaseDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), controller.QueueRateLimits.MaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(1), controller.IdleMemoryTrim);
        Assert.Equal(new QueueRateLimits().Qps, controller.QueueRateLimits.Qps);
        Assert.Equal(new QueueRateLimits().Burst, controller.QueueRateLimits.Burst);
        Assert.Equal(new LeaderElectionOptions().LeaseDuration, controller.LeaderElection.LeaseDuration);
        Assert.Equal("session-audit-operator", controller.LeaderElection.Name);
        Assert.Equal("session-audit-operator", controller.FieldManager);
        Assert.Empty(controller.Validate());
    }

    [Fact]
    public void Flags_given_become_the_options()
    {
        var options = Parse(
            "--kubeconfig", "/tmp/kc", "--concurrency", "4", "--resync", "1h30m", "--leader-elect=false", "--leader-election-namespace", "ops",
            "--lease-duration", "1m", "--renew-deadline", "40s", "--retry-period", "5s", "--metrics-port", "-1", "--reports-port", "0",
            "--log-format", "json", "--log-level", "Debug");

        Assert.Equal(
            Defaults with
            {
                Kubeconfig = "/tmp/kc",
                Concurrency = 4,
                Resync = TimeSpan.FromMinutes(90),
                LeaderElection = false,
                LeaderElectionNamespace = "ops",
                LeaseDuration = TimeSpan.FromMinutes(1),
                RenewDeadline = TimeSpan.FromSeconds(40),
                RetryPeriod = TimeSpan.FromSeconds(5),
                MetricsPort = -1,
                ReportsPort = 0,
                LogFormat = "json",
                LogLevel = LogLevel.Debug,
            },
            options);
        Assert.True(options.JsonLogs);
    }

    [Fact]
    public async Task Run_help_shows_the_defaults_the_options_hold()
    {
        var (exit, help, _) = await RunAsync("run", "--help");

        Assert.Equal(0, exit);
        var expected = new Dictionary<string, string>
        {
            ["--concurrency"] = Defaults.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["--resync"] = Durations.Format(Defaults.Resync),
            ["--lease-duration"] = Durations.Format(Defaults.LeaseDuration),
            ["--renew-deadline"] = Durations.Format(Defaults.RenewDeadline),
            ["--retry-period"] = Durations.Format(Defaults.RetryPeriod),
            ["--metrics-port"] = Defaults.MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["--reports-port"] = Defaults.ReportsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["--log-format"] = Defaults.LogFormat,
            ["--log-level"] = Defaults.LogLevel.ToString(),
        };
        foreach (var (flag, value) in expected)
        {
            var line = help.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(flag + " ", StringComparison.Ordinal));
            Assert.EndsWith($"[default: {value}]", line, StringComparison.Ordinal);
        }

        Assert.Contains($"Defaults to {LeaseDefaults.ClusterScopedNamespace}", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "run", "--concurrency", "0" }, new[] { "--concurrency" })]
    [InlineData(new[] { "run", "--concurrency", "65" }, new[] { "--concurrency" })]
    [InlineData(new[] { "run", "--lease-duration", "5s" }, new[] { "--lease-duration", "--renew-deadline" })]
    [InlineData(new[] { "run", "--renew-deadline", "2s" }, new[] { "--renew-deadline", "--retry-period" })]
    [InlineData(new[] { "run", "--metrics-port", "70000" }, new[] { "--metrics-port" })]
    public async Task An_invalid_setting_stops_the_start_with_one_line_that_names_the_flag(string[] args, string[] named)
    {
        var (exit, _, error) = await RunAsync(args);

        Assert.Equal(SessionAuditCli.UsageError, exit);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        foreach (var flag in named)
        {
            Assert.Contains(flag, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_install_guide_states_the_defaults_the_options_hold()
    {
        var rows = SettingsRow().Matches(File.ReadAllText(RepositoryFile("docs", "INSTALL.md")))
            .ToDictionary(m => m.Groups["setting"].Value, m => m.Groups["default"].Value);
        var expected = new Dictionary<string, string>
        {
            [nameof(OperatorOptions.Concurrency)] = "16",
            [nameof(OperatorOptions.Resync)] = Durations.Format(Defaults.Resync),
            [nameof(OperatorOptions.LeaderElection)] = "true",
            [nameof(OperatorOptions.LeaseDuration)] = Durations.Format(Defaults.LeaseDuration),
            [nameof(OperatorOptions.RenewDeadline)] = Durations.Format(Defaults.RenewDeadline),
            [nameof(OperatorOptions.RetryPeriod)] = Durations.Format(Defaults.RetryPeriod),
            [nameof(OperatorOptions.RetryBaseDelay)] = Durations.Format(Defaults.RetryBaseDelay),
            [nameof(OperatorOptions.RetryMaxDelay)] = Durations.Format(Defaults.RetryMaxDelay),
            [nameof(OperatorOptions.IdleMemoryTrim)] = Durations.Format(Defaults.IdleMemoryTrim),
            [nameof(OperatorOptions.MetricsPort)] = Defaults.MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [nameof(OperatorOptions.ReportsPort)] = Defaults.ReportsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [nameof(OperatorOptions.LogFormat)] = Defaults.LogFormat,
            [nameof(OperatorOptions.LogLevel)] = Defaults.LogLevel.ToString(),
        };
        foreach (var (setting, value) in expected)
        {
            Assert.True(rows.TryGetValue(setting, out var documented), $"docs/INSTALL.md has no row for {setting}");
            Assert.Equal(value, documented);
        }
    }

    [Fact]
    public void The_chart_its_guide_and_the_manifests_pass_the_operators_defaults()
    {
        var values = File.ReadAllText(RepositoryFile("charts", "session-audit-operator", "values.yaml"));
        var deployment = File.ReadAllText(RepositoryFile("deploy", "deployment.yaml"));

        Assert.Matches($"(?m)^concurrency: {Defaults.Concurrency}$", values);
        Assert.Matches($"(?m)^resync: {Durations.Format(Defaults.Resync)}$", values);
        Assert.Matches($"(?m)^ *- --concurrency={Defaults.Concurrency}$", deployment);
        Assert.Matches($"(?m)^ *- --resync={Durations.Format(Defaults.Resync)}$", deployment);
        Assert.Matches($"(?m)^ *- --metrics-port={Defaults.MetricsPort}$", deployment);

        var install = File.ReadAllText(RepositoryFile("docs", "INSTALL.md"));
        Assert.Contains($"| `concurrency` | `{Defaults.Concurrency}` |", install, StringComparison.Ordinal);
        Assert.Contains($"| `resync` | `{Durations.Format(Defaults.Resync)}` |", install, StringComparison.Ordinal);
    }

    private static string RepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SessionAuditOperator.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new InvalidOperationException("SessionAuditOperator.sln not found above " + AppContext.BaseDirectory);
    }

    // | `--concurrency` | `Concurrency` | `16` | ... (the flag cell may be empty for a setting without a flag)
    [GeneratedRegex(@"^\|\s*(?:`--[a-z-]+`)?\s*\|\s*`(?<setting>[A-Za-z]+)`\s*\|\s*`(?<default>[^`]*)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex SettingsRow();
}
