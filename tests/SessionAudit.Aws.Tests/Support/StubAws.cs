using Amazon.Runtime;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Credentials;
using SessionAudit.Aws.Telemetry;

namespace SessionAudit.Aws.Tests.Support;

/// <summary>An <see cref="AwsScopeFactory"/> wired to a recording stub instead of the network.</summary>
public sealed class StubAws : IDisposable
{
    public const string Endpoint = "http://aws.test/";

    public StubAws(Func<RecordedRequest, HttpResponseMessage> respond, AwsClientOptions? options = null, TimeProvider? time = null,
        AWSCredentials? credentials = null)
    {
        Handler = new RecordingHandler(respond);
        Metrics = new AwsMetrics();
        Options = options ?? Fast;
        var env = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = Endpoint };
        Factory = new AwsScopeFactory(Options, new AwsEndpointResolver(k => env.GetValueOrDefault(k)),
            new AwsCredentialsSource(credentials ?? new BasicAWSCredentials("AKIDTEST", "secret")), Metrics, time ?? TimeProvider.System,
            primaryHandler: Handler);
    }

    /// <summary>Retries with millisecond delays and no rate limit, so tests run fast.</summary>
    public static AwsClientOptions Fast { get; } = new()
    {
        Retry = new AwsRetryOptions { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        RateLimit = new AwsRateLimitOptions { TokensPerSecond = 0 },
    };

    public RecordingHandler Handler { get; }

    public AwsMetrics Metrics { get; }

    public AwsClientOptions Options { get; }

    public AwsScopeFactory Factory { get; }

    public void Dispose()
    {
        Factory.Dispose();
        Metrics.Dispose();
        Handler.Dispose();
    }
}
