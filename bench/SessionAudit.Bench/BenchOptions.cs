using System.Globalization;

using SessionAudit.Bench.World;

namespace SessionAudit.Bench;

/// <summary>What the command line asks for. A value left out keeps each scenario's own default (see docs/PERFORMANCE.md).</summary>
public sealed record BenchOptions
{
    public string Scenario { get; init; } = "all";

    /// <summary>Policies for the single-size scenarios (steady, change, throttle, coldstart); null: the scenario's default.</summary>
    public int? Policies { get; init; }

    public int? AwsLatencyMs { get; init; }

    /// <summary>Sessions the report scenario seeds; null: 100,000.</summary>
    public int? Sessions { get; init; }

    public double? ThrottleShare { get; init; }

    /// <summary>AWS accounts the policies are spread over: the operator's own plus roles assumed in others.</summary>
    public int Accounts { get; init; } = 10;

    public int Regions { get; init; } = 5;

    /// <summary>The operator's --concurrency.</summary>
    public int Concurrency { get; init; } = 16;

    public string? JsonFile { get; init; }

    /// <summary>Extra environment for the operator process, e.g. DOTNET_gcServer=0 (repeatable --operator-env K=V).</summary>
    public IReadOnlyDictionary<string, string?> OperatorEnvironment { get; init; } = new Dictionary<string, string?>();

    public static readonly string[] ScenarioNames =
        ["coldstart", "scopes", "steady", "change", "throttle", "memory", "startup", "queue", "informer", "report"];

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        var env = new Dictionary<string, string?>();
        for (var i = 0; i < args.Length; i++)
        {
            var (name, value) = Split(args, ref i);
            o = name switch
            {
                "--scenario" => o with { Scenario = value },
                "--policies" => o with { Policies = Int(name, value) },
                "--sessions" => o with { Sessions = Int(name, value) },
                "--aws-latency-ms" => o with { AwsLatencyMs = Int(name, value) },
                "--throttle-share" => o with { ThrottleShare = double.Parse(value, CultureInfo.InvariantCulture) },
                "--accounts" => o with { Accounts = Int(name, value) },
                "--regions" => o with { Regions = Int(name, value) },
                "--concurrency" => o with { Concurrency = Int(name, value) },
                "--json" => o with { JsonFile = value },
                "--operator-env" => AddEnv(o, env, value),
                _ => throw new ArgumentException($"unknown option {name}; known: --scenario <{string.Join('|', ScenarioNames)}|all> --policies N --sessions N --aws-latency-ms L --throttle-share S --accounts A --regions R --concurrency C --json FILE --operator-env K=V"),
            };
        }

        if (o.Scenario != "all" && !o.Scenario.Split(',').All(s => ScenarioNames.Contains(s)))
        {
            throw new ArgumentException($"--scenario must be all or a comma-separated list of {string.Join(", ", ScenarioNames)}");
        }

        if (o.Accounts < 1 || o.Regions < 1 || o.Regions > BenchWorldRegions.All.Length)
        {
            throw new ArgumentException($"--accounts must be at least 1 and --regions between 1 and {BenchWorldRegions.All.Length}");
        }

        return o;
    }

    public bool Runs(string scenario) => Scenario == "all" || Scenario.Split(',').Contains(scenario);

    private static BenchOptions AddEnv(BenchOptions o, Dictionary<string, string?> env, string value)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new ArgumentException("--operator-env takes NAME=VALUE");
        }

        env[value[..eq]] = value[(eq + 1)..];
        return o with { OperatorEnvironment = new Dictionary<string, string?>(env) };
    }

    private static (string Name, string Value) Split(string[] args, ref int i)
    {
        var a = args[i];
        var eq = a.IndexOf('=', StringComparison.Ordinal);
        if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0 && a != "--operator-env")
        {
            return (a[..eq], a[(eq + 1)..]);
        }

        if (i + 1 >= args.Length)
        {
            throw new ArgumentException($"{a} needs a value");
        }

        return (a, args[++i]);
    }

    private static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v
            : throw new ArgumentException($"{name} takes a non-negative whole number, not '{value}'");
}
