using System.Diagnostics;
using k8s;
using k8s.Models;
using SessionAudit.Operator.Hosting;
using SessionAudit.Policy.Crd;
using SessionAudit.Sandbox.Aws;
using SessionAudit.Sandbox.Kubernetes;

namespace SessionAudit.Operator.Sandbox;

/// <summary>
/// The local Kubernetes API and AWS APIs in this process on loopback, the operator's AWS identity in them, a kubeconfig,
/// the CRD, and the operator against them, in this process or as `session-audit run`: what the sandbox verb, the
/// end-to-end tests and the bench all compose.
/// </summary>
public sealed class SandboxWorld : IAsyncDisposable
{
    /// <summary>The operator's access key; the AWS stand-in maps it to <see cref="Account"/>.</summary>
    public const string AccessKeyId = "AKIASANDBOXOPERATOR0";

    /// <summary>The secret that goes with <see cref="AccessKeyId"/>.</summary>
    public const string SecretAccessKey = "sandbox-secret-access-key";

    /// <summary>The operator's own account: the one the example seed and example policies use.</summary>
    public const string Account = "111122223333";

    /// <summary>The operator's default region.</summary>
    public const string Region = "us-east-1";

    /// <summary>The identity of <see cref="Kubeconfig"/>.</summary>
    public const string AdminIdentity = "admin";

    // Every listener is on loopback: the stand-ins grant full rights to whoever holds a token.
    private const string Loopback = "127.0.0.1";

    private static readonly TimeSpan CrdTimeout = TimeSpan.FromSeconds(30);

    private readonly List<WebApplication> operators = [];
    private readonly bool ownsDirectory;
    private int disposed;

    private SandboxWorld(KubernetesSandbox kubernetes, AwsSandbox aws, string directory, bool ownsDirectory, string? stateFile)
    {
        Kubernetes = kubernetes;
        Aws = aws;
        Directory = directory;
        this.ownsDirectory = ownsDirectory;
        StateFile = stateFile;
        Kubeconfig = WriteKubeconfig("kubeconfig", AdminIdentity);
    }

    /// <summary>The Kubernetes API stand-in (its request log and faults are the caller's to read and switch).</summary>
    public KubernetesSandbox Kubernetes { get; }

    /// <summary>The AWS stand-in (its call log and faults are the caller's to read and switch).</summary>
    public AwsSandbox Aws { get; }

    /// <summary>The world's folder: kubeconfigs, the kept AWS state, and whatever else the caller puts there.</summary>
    public string Directory { get; }

    /// <summary>A kubeconfig for <see cref="AdminIdentity"/>.</summary>
    public string Kubeconfig { get; }

    /// <summary>Where the AWS state is kept between runs; null when it is not.</summary>
    public string? StateFile { get; }

    /// <summary>What a client needs to reach the AWS stand-in as the operator's identity.</summary>
    public IReadOnlyDictionary<string, string> AwsSettings => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = Aws.Url.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_REGION"] = Region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    /// <summary>The environment of a process started against the world: <see cref="AwsSettings"/>, and none of the
    /// user's own AWS configuration or credentials files.</summary>
    public IReadOnlyDictionary<string, string> ProcessEnvironment => new Dictionary<string, string>(AwsSettings)
    {
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
    };

    /// <summary>Starts both stand-ins, seeds the AWS one and, when asked, installs the CRD.</summary>
    public static async Task<SandboxWorld> StartAsync(SandboxWorldOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ownsDirectory = options.Directory is null;
        var directory = options.Directory ?? System.IO.Directory.CreateTempSubdirectory("session-audit-world-").FullName;
        KubernetesSandbox? kubernetes = null;
        AwsSandbox? aws = null;
        SandboxWorld world;
        try
        {
            kubernetes = await KubernetesSandbox.StartAsync(options.Kubernetes with { Host = Loopback }, ct);
            var stateFile = options.KeepAwsState ? Path.Combine(directory, "aws-state.json") : options.Aws.StateFile;
            var restored = stateFile is not null && File.Exists(stateFile);
            aws = await AwsSandbox.StartAsync(
                options.Aws with
                {
                    Host = Loopback,
                    SeedFile = restored ? null : options.Aws.SeedFile,
                    StateFile = stateFile,
                    AccessKeyAccounts = new Dictionary<string, string>(options.Aws.AccessKeyAccounts) { [AccessKeyId] = Account },
                },
                ct);
            if (!restored && options.Seed is not null)
            {
                aws.ApplySeed(options.Seed);
            }

            world = new SandboxWorld(kubernetes, aws, directory, ownsDirectory, stateFile);
        }
        catch
        {
            if (aws is not null)
            {
                await aws.DisposeAsync();
            }

            if (kubernetes is not null)
            {
                await kubernetes.DisposeAsync();
            }

            if (ownsDirectory)
            {
                TryDelete(directory);
            }

            throw;
        }

        if (options.InstallCrd)
        {
            try
            {
                await world.InstallCrdAsync(ct);
            }
            catch
            {
                await world.DisposeAsync();
                throw;
            }
        }

        return world;
    }

    /// <summary>Writes a kubeconfig for <paramref name="identity"/> into the world's folder; returns its path.</summary>
    public string WriteKubeconfig(string fileName, string identity) =>
        Kubernetes.WriteKubeconfig(Path.Combine(Directory, fileName), identity);

    /// <summary>A client of the Kubernetes stand-in as <see cref="AdminIdentity"/> (the caller disposes it).</summary>
    public k8s.Kubernetes NewKubernetesClient() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig));

    /// <summary>Creates the operator's CRDs (SessionLoggingPolicy, AwsAccount), as the operator generates them, and waits
    /// until the API serves them.</summary>
    public async Task InstallCrdAsync(CancellationToken ct)
    {
        using var kube = NewKubernetesClient();
        foreach (var kind in CrdGenerator.Kinds)
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.Generate(kind));
            await kube.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: ct);
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var current = await kube.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name, cancellationToken: ct);
                if (current.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
                {
                    break;
                }

                if (waited.Elapsed > CrdTimeout)
                {
                    throw new TimeoutException($"the CRD {crd.Metadata.Name} was not Established within {CrdTimeout.TotalSeconds} s");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
            }
        }
    }

    /// <summary>
    /// Starts the operator in this process against the world: its kubeconfig, no leader election, free ports, every
    /// listener on loopback, then <paramref name="configure"/>. Its AWS clients read <see cref="AwsSettings"/> from this
    /// process's environment, as `session-audit run` reads its own, so they are set there. The world stops it on dispose.
    /// </summary>
    public async Task<WebApplication> StartOperatorAsync(Action<OperatorOptions>? configure, CancellationToken ct)
    {
        foreach (var (k, v) in AwsSettings)
        {
            Environment.SetEnvironmentVariable(k, v);
        }

        var app = OperatorRunner.Build([], o =>
        {
            o.Kubeconfig = Kubeconfig;
            o.LeaderElection = false;
            o.MetricsPort = 0;
            o.ReportsPort = 0;
            o.MetricsAddress = System.Net.IPAddress.Loopback;
            configure?.Invoke(o);
        });
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        operators.Add(app);
        return app;
    }

    /// <summary>The `session-audit run` arguments that run the operator as a process against the world: a kubeconfig (the
    /// admin's unless given), leader election off unless asked for, free ports, and <paramref name="resync"/>. Start the
    /// process with <see cref="ProcessEnvironment"/>; further flags go after these (each flag is taken once).</summary>
    public IReadOnlyList<string> RunArguments(string resync, string? kubeconfig = null, bool leaderElection = false) =>
    [
        "run", "--kubeconfig", kubeconfig ?? Kubeconfig, leaderElection ? "--leader-elect=true" : "--leader-elect=false",
        "--metrics-port", "0", "--reports-port", "0", "--resync", resync,
    ];

    /// <summary>Stops the operators started in this process, then both stand-ins (the AWS one saves its kept state), and
    /// removes the folder when the world made it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        foreach (var app in operators)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }

        await Aws.DisposeAsync();
        await Kubernetes.DisposeAsync();
        if (ownsDirectory)
        {
            TryDelete(Directory);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
