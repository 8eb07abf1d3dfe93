using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SessionAudit.Operator.Sandbox;
using SessionAudit.Sandbox.Aws;
using SessionAudit.Sandbox.Kubernetes;

namespace SessionAudit.Bench.World;

/// <summary>
/// A <see cref="SandboxWorld"/> (both stand-ins in this process and the CRD) seeded for a spread of accounts and
/// regions, with policies created over plain HTTP (kubectl per object would measure kubectl). The operator runs as its
/// own process (<see cref="OperatorRun"/>), so its memory is its own.
/// </summary>
public sealed class BenchWorld : IAsyncDisposable
{
    public const string OwnAccount = SandboxWorld.Account;
    public const string Group = "sessionaudit.io";
    public const string Version = "v1alpha1";
    public const string Plural = "sessionloggingpolicies";

    private readonly HttpClient http;

    private BenchWorld(SandboxWorld sandbox, int accounts, int regions)
    {
        Sandbox = sandbox;
        Accounts = accounts;
        Regions = regions;
        http = sandbox.Kubernetes.CreateHttpClient(SandboxWorld.AdminIdentity);
        OperatorKubeconfig = sandbox.WriteKubeconfig("operator.kubeconfig", "system:serviceaccount:session-audit:session-audit-operator");
    }

    public SandboxWorld Sandbox { get; }

    public KubernetesSandbox Kubernetes => Sandbox.Kubernetes;

    public AwsSandbox Aws => Sandbox.Aws;

    public int Accounts { get; }

    public int Regions { get; }

    public string OperatorKubeconfig { get; }

    /// <summary>HTTP to the Kubernetes sandbox as an administrator (bearer token).</summary>
    public HttpClient Http => http;

    public string CollectionPath => $"apis/{Group}/{Version}/{Plural}";

    public static async Task<BenchWorld> StartAsync(int accounts, int regions, CancellationToken ct)
    {
        var sandbox = await SandboxWorld.StartAsync(
            new SandboxWorldOptions
            {
                // etcd compacts by time (5 minutes), not by count: keep enough history that 10,000 creates plus their status
                // writes inside one minute never expire a watch, as on a real API server.
                Kubernetes = new KubernetesSandboxOptions { WatchHistory = 400_000, RequestLogCapacity = 400_000 },
                Aws = new AwsSandboxOptions { RandomSeed = 8 },
                Seed = Seed(accounts, regions),
                InstallCrd = true,
            },
            ct);
        var world = new BenchWorld(sandbox, accounts, regions);
        await world.CreateAccountsAsync(ct);
        return world;
    }

    /// <summary>AwsAccount name of account number <paramref name="index"/> (> 0: the operator's own needs none).</summary>
    public static string AccountName(int index) => "bench-account-" + index.ToString("D2", CultureInfo.InvariantCulture);

    // One AwsAccount per account reached through a role, as a cluster admin would declare them.
    private async Task CreateAccountsAsync(CancellationToken ct)
    {
        for (var a = 1; a < Accounts; a++)
        {
            var body = new JsonObject
            {
                ["apiVersion"] = $"{Group}/{Version}",
                ["kind"] = "AwsAccount",
                ["metadata"] = new JsonObject { ["name"] = AccountName(a) },
                ["spec"] = new JsonObject { ["roleArn"] = $"arn:aws:iam::{AccountId(a)}:role/session-audit" },
            };
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync($"apis/{Group}/{Version}/awsaccounts", content, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"creating {AccountName(a)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        }
    }

    /// <summary>Account number <paramref name="index"/>: the operator's own first, then accounts reached through a role.</summary>
    public static string AccountId(int index) => index == 0 ? OwnAccount : "2000000000" + index.ToString("D2", CultureInfo.InvariantCulture);

    public static string BucketName(string account, string region) => $"bench-{account}-{region}";

    /// <summary>In every account and region: an encrypted bucket, a log group and a logging trail, so each policy's
    /// concerns are all met and its reconcile is the full observe path.</summary>
    public static string Seed(int accounts, int regions)
    {
        var sb = new StringBuilder("accounts:\n");
        for (var a = 0; a < accounts; a++)
        {
            var account = AccountId(a);
            sb.Append("  - id: \"").Append(account).Append("\"\n    regions:\n");
            for (var r = 0; r < regions; r++)
            {
                var region = BenchWorldRegions.All[r];
                var bucket = BucketName(account, region);
                sb.Append("      - name: ").Append(region).Append('\n')
                  .Append("        buckets:\n          - {name: ").Append(bucket).Append(", encryption: AES256}\n")
                  .Append("        logGroups:\n          - {name: /bench/sessions}\n")
                  .Append("        trails:\n          - {name: bench-trail, bucket: ").Append(bucket).Append(", logging: true, multiRegion: false}\n");
            }
        }

        return sb.ToString();
    }

    public static string PolicyName(int index) => "bench-" + index.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>Policy <paramref name="index"/>: its own document (so none conflict), spread round-robin over accounts, then regions.</summary>
    public JsonObject Policy(int index, int idleTimeoutMinutes = 20, string driftCheckInterval = "5m")
    {
        var a = index % Accounts;
        var region = BenchWorldRegions.All[index / Accounts % Regions];
        var account = AccountId(a);
        var spec = new JsonObject
        {
            ["region"] = region,
            ["documentName"] = "Bench-Prefs-" + index.ToString("D5", CultureInfo.InvariantCulture),
            ["s3"] = new JsonObject { ["bucketName"] = BucketName(account, region), ["keyPrefix"] = $"sessions/{index}/" },
            ["cloudWatch"] = new JsonObject { ["logGroupName"] = "/bench/sessions", ["encryptionRequired"] = false },
            ["session"] = new JsonObject { ["idleTimeoutMinutes"] = idleTimeoutMinutes },
            ["driftCheckInterval"] = driftCheckInterval,
        };
        if (a > 0)
        {
            spec["accountRef"] = new JsonObject { ["name"] = AccountName(a) };
        }

        return new JsonObject
        {
            ["apiVersion"] = $"{Group}/{Version}",
            ["kind"] = "SessionLoggingPolicy",
            ["metadata"] = new JsonObject { ["name"] = PolicyName(index) },
            ["spec"] = spec,
        };
    }

    /// <summary>Creates policies [from, from+count) with <paramref name="parallel"/> requests in flight; returns when each create was sent.</summary>
    public async Task<IReadOnlyDictionary<string, double>> CreatePoliciesAsync(int from, int count, BenchClock clock, CancellationToken ct, int parallel = 16, string driftCheckInterval = "5m")
    {
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        await Parallel.ForEachAsync(
            Enumerable.Range(from, count),
            new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
            async (i, token) =>
            {
                var body = Policy(i, driftCheckInterval: driftCheckInterval);
                sent[PolicyName(i)] = clock.Now;
                using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(CollectionPath, content, token);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"creating {PolicyName(i)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token)}");
                }
            });
        return sent;
    }

    /// <summary>Merge-patches a policy's spec; returns the new generation.</summary>
    public async Task<long> PatchSpecAsync(string name, JsonObject specPatch, CancellationToken ct)
    {
        var patch = new JsonObject { ["spec"] = specPatch };
        using var content = new StringContent(patch.ToJsonString(), Encoding.UTF8, "application/merge-patch+json");
        using var response = await http.PatchAsync($"{CollectionPath}/{name}", content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"patching {name}: {(int)response.StatusCode} {text}");
        }

        return (long)JsonNode.Parse(text)!["metadata"]!["generation"]!;
    }

    /// <summary>Sets the same latency and throttling on every AWS service the operator calls.</summary>
    public void SetAwsFaults(TimeSpan latency, double throttleShare = 0, double serverErrorShare = 0)
    {
        foreach (var service in AwsServices)
        {
            if (latency == TimeSpan.Zero && throttleShare == 0 && serverErrorShare == 0)
            {
                Aws.Faults.Remove(service, null);
            }
            else
            {
                Aws.Faults.Set(service, null, new AwsFault { Latency = latency, ThrottleShare = throttleShare, ServerErrorShare = serverErrorShare });
            }
        }
    }

    public static readonly string[] AwsServices = ["ssm", "s3", "kms", "logs", "events", "cloudtrail", "sts", "sns", "lambda", "codepipeline"];

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await Sandbox.DisposeAsync();
    }
}

/// <summary>Regions the bench spreads policies over, in order.</summary>
public static class BenchWorldRegions
{
    public static readonly string[] All =
    [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
        "eu-central-1", "ap-southeast-1", "ap-northeast-1", "ap-south-1", "ca-central-1", "sa-east-1",
    ];
}
