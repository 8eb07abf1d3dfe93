using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using SessionAudit.Sandbox.Aws.Model;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>The sandbox's shared state and services, independent of HTTP hosting.</summary>
internal sealed class SandboxCore
{
    private readonly List<AwsCallRecord> callLog = [];
    private readonly List<AwsDelivery> deliveries = [];
    private readonly Random random;

    public SandboxCore(AwsSandboxOptions options)
    {
        Options = options;
        Time = options.Time;
        Models = ModelCatalog.Get(options.BotocoreDataDirectory);
        random = options.RandomSeed is { } seed ? new Random(seed) : new Random();
        foreach (var (k, v) in options.AccessKeyAccounts) AccessKeys[k] = v;
        S3Router = new RestRouter(Models.Services["s3"]);
        LambdaRouter = new RestRouter(Models.Services["lambda"]);
        SsmService.Register(Handlers);
        KmsService.Register(Handlers);
        LogsService.Register(Handlers);
        EventsService.Register(Handlers);
        CloudTrailService.Register(Handlers);
        SnsService.Register(Handlers);
        LambdaService.Register(Handlers);
        CodePipelineService.Register(Handlers);
        StsService.Register(Handlers);
        InstanceProfileService.Register(Handlers);
        S3Service.Register(Handlers);
    }

    public AwsSandboxOptions Options { get; }
    public TimeProvider Time { get; }
    public ModelCatalog Models { get; }
    public HandlerTable Handlers { get; } = new();
    public RestRouter S3Router { get; }
    public RestRouter LambdaRouter { get; }
    public AwsFaults Faults { get; } = new();
    public OperationQuotas Quotas { get; } = new();

    /// <summary>Replaced wholesale when a state file is loaded; always use under <see cref="Gate"/>.</summary>
    public World World { get; set; } = new();

    /// <summary>One lock for the whole world: handlers are microseconds long, and cross-region effects (buckets, trails) stay simple.</summary>
    public object Gate { get; } = new();

    /// <summary>Access key id to account id or IAM ARN (options plus seed).</summary>
    public ConcurrentDictionary<string, string> AccessKeys { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<AwsCallRecord> CallLog { get { lock (callLog) return [.. callLog]; } }

    public IReadOnlyList<AwsDelivery> Deliveries { get { lock (deliveries) return [.. deliveries]; } }

    public void Record(AwsCallRecord r) { lock (callLog) callLog.Add(r); }

    public void ClearCallLog() { lock (callLog) callLog.Clear(); }

    public void Deliver(AwsDelivery d) { lock (deliveries) deliveries.Add(d); }

    public void ClearDeliveries() { lock (deliveries) deliveries.Clear(); }

    public double Roll() { lock (random) return random.NextDouble(); }

    public string Hex(int chars)
    {
        var bytes = new byte[(chars + 1) / 2];
        lock (random) random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes)[..chars];
    }

    public string Uuid()
    {
        string h = Hex(32);
        return $"{h[..8]}-{h[8..12]}-4{h[13..16]}-a{h[17..20]}-{h[20..32]}";
    }

    /// <summary>Who signed: account, ARN and unique id, from the configured map, STS-issued keys, or the default account.</summary>
    public (string Account, string Arn, string UserId) Identify(string? accessKeyId)
    {
        if (accessKeyId is null) return (AwsSandboxOptions.DefaultAccount, $"arn:aws:iam::{AwsSandboxOptions.DefaultAccount}:root", AwsSandboxOptions.DefaultAccount);
        lock (Gate)
        {
            if (World.TemporaryKeys.TryGetValue(accessKeyId, out var t)) return (t.Account, t.Arn, t.UserId);
        }

        string userId = "AIDA" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(accessKeyId)))[..17];
        if (AccessKeys.TryGetValue(accessKeyId, out var v))
        {
            if (v.StartsWith("arn:", StringComparison.Ordinal))
            {
                var parts = v.Split(':');
                return (parts.Length > 4 ? parts[4] : AwsSandboxOptions.DefaultAccount, v, userId);
            }

            return (v, $"arn:aws:iam::{v}:user/sandbox-user", userId);
        }

        return (AwsSandboxOptions.DefaultAccount, $"arn:aws:iam::{AwsSandboxOptions.DefaultAccount}:user/sandbox-user", userId);
    }

    private static readonly string[] ReadPrefixes = ["Get", "List", "Describe", "Head", "Test", "Lookup", "AssumeRole", "Decrypt", "Generate"];

    /// <summary>Reads are the Get/List/Describe/Head family (and pure computations such as TestEventPattern); the rest change state.</summary>
    public static bool IsWrite(string operation) => !ReadPrefixes.Any(p => operation.StartsWith(p, StringComparison.Ordinal));
}
