using SessionAudit.Sandbox.Aws;
using SessionAudit.Sandbox.Kubernetes;

namespace SessionAudit.Operator.Sandbox;

/// <summary>The local Kubernetes API and AWS APIs, started together, with a kubeconfig and AWS settings a user can export.</summary>
public sealed class EmbeddedSandbox : IAsyncDisposable
{
    /// <summary>Access key of the sandbox user; the AWS stand-in maps it to <see cref="Account"/>.</summary>
    public const string AccessKeyId = "AKIASANDBOXOPERATOR0";

    public const string SecretAccessKey = "sandbox-secret-access-key";

    /// <summary>The account the example seed and example policies use.</summary>
    public const string Account = "111122223333";

    public const string Region = "us-east-1";

    private EmbeddedSandbox(KubernetesSandbox kubernetes, AwsSandbox aws, string kubeconfig, string? stateFile)
    {
        Kubernetes = kubernetes;
        Aws = aws;
        Kubeconfig = kubeconfig;
        StateFile = stateFile;
    }

    public KubernetesSandbox Kubernetes { get; }

    public AwsSandbox Aws { get; }

    public string Kubeconfig { get; }

    public string? StateFile { get; }

    /// <summary>Environment a process needs to reach the AWS stand-in as the sandbox user.</summary>
    public IReadOnlyDictionary<string, string> AwsEnvironment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = Aws.Url.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_REGION"] = Region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    public static async Task<EmbeddedSandbox> StartAsync(int k8sPort, int awsPort, string? seedFile, string stateDirectory, bool keepAwsState, CancellationToken ct)
    {
        // No anonymous access: the stand-in evaluates no RBAC, so an anonymous identity would have every right.
        var kubernetes = await KubernetesSandbox.StartAsync(new KubernetesSandboxOptions { Port = k8sPort, AnonymousIdentity = null }, ct);
        try
        {
            var stateFile = keepAwsState ? Path.Combine(stateDirectory, "aws-state.json") : null;
            var aws = await AwsSandbox.StartAsync(
                new AwsSandboxOptions
                {
                    Port = awsPort,
                    // A kept state already holds the seeded world; seeding it again would duplicate history.
                    SeedFile = stateFile is not null && File.Exists(stateFile) ? null : seedFile,
                    StateFile = stateFile,
                    AccessKeyAccounts = new Dictionary<string, string> { [AccessKeyId] = Account },
                },
                ct);
            var kubeconfig = kubernetes.WriteKubeconfig(Path.Combine(stateDirectory, "kubeconfig"), "admin");
            return new EmbeddedSandbox(kubernetes, aws, kubeconfig, stateFile);
        }
        catch
        {
            await kubernetes.DisposeAsync();
            throw;
        }
    }

    /// <summary>Where the repository's example files are, looked up from the working directory and the program's folder.</summary>
    public static string? FindRepositoryFile(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate) || Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (StateFile is not null)
        {
            Aws.SaveState(StateFile);
        }

        await Aws.DisposeAsync();
        await Kubernetes.DisposeAsync();
    }
}
