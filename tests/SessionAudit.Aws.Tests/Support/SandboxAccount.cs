using System.Text;
using Amazon.Runtime;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Credentials;
using SessionAudit.Aws.Telemetry;
using SessionAudit.Sandbox.Aws;

namespace SessionAudit.Aws.Tests.Support;

/// <summary>An account in a sandbox, and an <see cref="AwsScopeFactory"/> whose every client points at the sandbox with that account's key.</summary>
public sealed class SandboxAccount : IDisposable
{
    private SandboxAccount(AwsSandbox sandbox, string accountId, string accessKey, AwsClientOptions options, IReadOnlyDictionary<string, string> environment,
        TimeProvider time)
    {
        Sandbox = sandbox;
        AccountId = accountId;
        AccessKey = accessKey;
        Metrics = new AwsMetrics();
        Factory = new AwsScopeFactory(options, new AwsEndpointResolver(k => environment.GetValueOrDefault(k)),
            new AwsCredentialsSource(new BasicAWSCredentials(accessKey, "sandbox-secret")), Metrics, time);
    }

    /// <summary>No client-side limit and quick retries unless a test asks otherwise.</summary>
    public static AwsClientOptions DefaultOptions { get; } = new()
    {
        Retry = new AwsRetryOptions { MaxRetries = 4, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(50) },
        RateLimit = new AwsRateLimitOptions { TokensPerSecond = 0 },
    };

    public AwsSandbox Sandbox { get; }

    public string AccountId { get; }

    public string AccessKey { get; }

    public AwsMetrics Metrics { get; }

    public AwsScopeFactory Factory { get; }

    /// <summary>This account's calls (by its own key or keys of roles assumed into it).</summary>
    public IReadOnlyList<AwsCallRecord> Calls => [.. Sandbox.CallLog.Where(c => c.AccessKeyId == AccessKey || c.Account == AccountId)];

    public static SandboxAccount Create(AwsSandbox sandbox, string accountId, string? regionsYaml, AwsClientOptions? options,
        IReadOnlyDictionary<string, string>? environment = null, TimeProvider? time = null)
    {
        var accessKey = "AKIA" + accountId;
        var yaml = new StringBuilder();
        yaml.AppendLine("accessKeys:");
        yaml.AppendLine($"  {accessKey}: \"{accountId}\"");
        yaml.AppendLine("accounts:");
        yaml.AppendLine($"  - id: \"{accountId}\"");
        if (regionsYaml is not null)
        {
            yaml.AppendLine("    regions:");
            foreach (var line in regionsYaml.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
            {
                yaml.AppendLine("      " + line);
            }
        }
        sandbox.ApplySeed(yaml.ToString());
        var env = environment ?? new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = sandbox.Url.ToString() };
        return new SandboxAccount(sandbox, accountId, accessKey, options ?? DefaultOptions, env, time ?? TimeProvider.System);
    }

    public void Dispose()
    {
        Factory.Dispose();
        Metrics.Dispose();
    }
}
