using SessionAudit.Sandbox.Aws;
using SessionAudit.Sandbox.Kubernetes;

namespace SessionAudit.Testing.Harness;

/// <summary>
/// A whole world for an end-to-end test: the Kubernetes API and AWS stand-ins in-process (so the test can read their
/// logs and switch faults), the real kubectl and AWS CLI pointed at them, and the operator as a real process.
/// </summary>
public sealed class TestWorld : IAsyncDisposable
{
    /// <summary>The operator's access key; the AWS stand-in maps it to <see cref="Account"/>.</summary>
    public const string AccessKeyId = "AKIATESTOPERATOR0000";

    public const string SecretAccessKey = "test-secret-access-key";

    public const string Account = "111122223333";

    public const string Region = "us-east-1";

    private readonly List<OperatorProcess> operators = [];

    private TestWorld(KubernetesSandbox kubernetes, AwsSandbox aws, string directory, string kubeconfig)
    {
        Kubernetes = kubernetes;
        Aws = aws;
        Directory = directory;
        Kubeconfig = kubeconfig;
    }

    public KubernetesSandbox Kubernetes { get; }

    public AwsSandbox Aws { get; }

    /// <summary>A fresh folder for this test's files.</summary>
    public string Directory { get; }

    public string Kubeconfig { get; }

    /// <summary>What a process needs to call the AWS stand-in as the operator's identity.</summary>
    public IReadOnlyDictionary<string, string?> AwsEnvironment => new Dictionary<string, string?>
    {
        ["AWS_ENDPOINT_URL"] = Aws.Url.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_REGION"] = Region,
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_PAGER"] = "",
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
    };

    /// <summary>Starts both stand-ins, seeds AWS with <paramref name="seedYaml"/> and, unless told not to, installs the CRD with kubectl.</summary>
    public static async Task<TestWorld> StartAsync(string? seedYaml = null, bool installCrd = true, CancellationToken ct = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "session-audit-test-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var kubernetes = await KubernetesSandbox.StartAsync(new KubernetesSandboxOptions(), ct);
        var aws = await AwsSandbox.StartAsync(
            new AwsSandboxOptions { AccessKeyAccounts = new Dictionary<string, string> { [AccessKeyId] = Account } },
            ct);
        if (seedYaml is not null)
        {
            aws.ApplySeed(seedYaml);
        }

        var world = new TestWorld(kubernetes, aws, directory, kubernetes.WriteKubeconfig(Path.Combine(directory, "kubeconfig")));
        if (installCrd)
        {
            await world.KubectlAsync(["apply", "-f", Path.Combine(Tools.RepoRoot, "deploy", "crd", "sessionloggingpolicies.sessionaudit.io.yaml")], ct: ct);
            await world.KubectlAsync(["wait", "--for=condition=Established", "crd/sessionloggingpolicies.sessionaudit.io", "--timeout=30s"], ct: ct);
        }

        return world;
    }

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

    /// <summary>Starts `session-audit run` against this world (no leader election, a free HTTP port) and waits until it serves.</summary>
    public async Task<OperatorProcess> StartOperatorAsync(IEnumerable<string>? extraArgs = null, IReadOnlyDictionary<string, string?>? extraEnv = null, CancellationToken ct = default)
    {
        var args = new List<string> { "run", "--kubeconfig", Kubeconfig, "--leader-elect=false", "--metrics-port", "0", "--reports-port", "0", "--resync", "30s" };
        args.AddRange(extraArgs ?? []);
        var env = new Dictionary<string, string?>(AwsEnvironment);
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string?>())
        {
            env[k] = v;
        }

        var process = OperatorProcess.Start(args, env);
        operators.Add(process);
        await process.WaitForLineAsync("HTTP=", TimeSpan.FromSeconds(30), ct);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in operators)
        {
            await p.DisposeAsync();
        }

        await Aws.DisposeAsync();
        await Kubernetes.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
