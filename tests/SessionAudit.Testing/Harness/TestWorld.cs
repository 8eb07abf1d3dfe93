using SessionAudit.Operator.Sandbox;
using SessionAudit.Sandbox.Aws;
using SessionAudit.Sandbox.Kubernetes;

namespace SessionAudit.Testing.Harness;

/// <summary>
/// A whole world for an end-to-end test: a <see cref="SandboxWorld"/> (both stand-ins in-process, so the test can read
/// their logs and switch faults), the real kubectl and AWS CLI pointed at them, and the operator as a real process.
/// </summary>
public sealed class TestWorld : IAsyncDisposable
{
    private static readonly TimeSpan OperatorServing = TimeSpan.FromSeconds(60);

    private readonly List<OperatorProcess> operators = [];

    private TestWorld(SandboxWorld sandbox)
    {
        Sandbox = sandbox;
    }

    /// <summary>The composition the test runs in: stand-ins, identities, kubeconfig, CRD.</summary>
    public SandboxWorld Sandbox { get; }

    public KubernetesSandbox Kubernetes => Sandbox.Kubernetes;

    public AwsSandbox Aws => Sandbox.Aws;

    /// <summary>A fresh folder for this test's files, removed with the world.</summary>
    public string Directory => Sandbox.Directory;

    public string Kubeconfig => Sandbox.Kubeconfig;

    /// <summary>What a process needs to call the AWS stand-in as the operator's identity (the AWS CLI without a pager).</summary>
    public IReadOnlyDictionary<string, string?> AwsEnvironment
    {
        get
        {
            var env = Sandbox.ProcessEnvironment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal);
            env["AWS_PAGER"] = "";
            return env;
        }
    }

    /// <summary>Starts both stand-ins, seeds AWS with <paramref name="seedYaml"/> and, unless told not to, installs the CRD.</summary>
    public static async Task<TestWorld> StartAsync(string? seedYaml = null, bool installCrd = true, CancellationToken ct = default) =>
        new(await SandboxWorld.StartAsync(new SandboxWorldOptions { Seed = seedYaml, InstallCrd = installCrd }, ct));

    /// <summary>Runs kubectl against the stand-in; fails the test when kubectl fails unless <paramref name="check"/> is false.</summary>
    public async Task<ProcessResult> KubectlAsync(IEnumerable<string> args, string? stdin = null, bool check = true, CancellationToken ct = default)
    {
        var all = new List<string> { "--kubeconfig", Kubeconfig };
        all.AddRange(args);
        var result = await Tool.RunAsync(Tools.Kubectl, all, stdin: stdin, ct: ct);
        return check ? result.EnsureSuccess("kubectl " + string.Join(' ', args)) : result;
    }

    /// <summary>Runs the real AWS CLI v2 against the stand-in as the operator's identity (JSON output).</summary>
    public async Task<ProcessResult> AwsCliAsync(IEnumerable<string> args, bool check = true, CancellationToken ct = default)
    {
        var all = new List<string> { "--endpoint-url", Aws.Url.ToString().TrimEnd('/'), "--output", "json" };
        all.AddRange(args);
        var result = await Tool.RunAsync(Tools.AwsCli, all, AwsEnvironment, ct: ct);
        return check ? result.EnsureSuccess("aws " + string.Join(' ', args)) : result;
    }

    /// <summary>
    /// Starts `session-audit run` against this world (<see cref="SandboxWorld.RunArguments"/>: the admin kubeconfig unless
    /// given, no leader election unless asked, free ports, <paramref name="resync"/>, then <paramref name="extraArgs"/>) and
    /// waits until it serves. The world kills it on dispose; the caller may dispose it sooner.
    /// </summary>
    public async Task<OperatorProcess> StartOperatorAsync(
        string resync = "30s",
        IEnumerable<string>? extraArgs = null,
        IReadOnlyDictionary<string, string?>? extraEnv = null,
        string? kubeconfig = null,
        bool leaderElection = false,
        CancellationToken ct = default)
    {
        var env = new Dictionary<string, string?>(AwsEnvironment);
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string?>())
        {
            env[k] = v;
        }

        var process = OperatorProcess.Start([.. Sandbox.RunArguments(resync, kubeconfig, leaderElection), .. extraArgs ?? []], env);
        operators.Add(process);
        await process.WaitForLineAsync("HTTP=", OperatorServing, ct);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in operators)
        {
            await p.DisposeAsync();
        }

        await Sandbox.DisposeAsync();
    }
}
