using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement;
using SessionAudit.Aws.Adapters;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Credentials;
using SessionAudit.Aws.Resilience;
using SessionAudit.Aws.Sdk;
using SessionAudit.Aws.Services.CloudTrail;
using SessionAudit.Aws.Services.CodePipeline;
using SessionAudit.Aws.Services.Ec2;
using SessionAudit.Aws.Services.Events;
using SessionAudit.Aws.Services.Iam;
using SessionAudit.Aws.Services.Lambda;
using SessionAudit.Aws.Services.Logs;
using SessionAudit.Aws.Services.Sns;
using SessionAudit.Aws.Transport;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws;

/// <summary>
/// Every low-level AWS client for one scope (region, optional role), created on first use and kept for the scope's life.
/// Calls made through <see cref="RunAsync{T}"/> get the shared retry policy, rate limit and metrics.
/// </summary>
public sealed class AwsClients : IDisposable
{
    private readonly AwsCallRunner _runner;
    private readonly Lazy<AmazonSimpleSystemsManagementClient> _ssm;
    private readonly Lazy<AmazonS3Client> _s3;
    private readonly Lazy<AmazonKeyManagementServiceClient> _kms;
    private readonly Lazy<AmazonSecurityTokenServiceClient> _sts;
    private readonly Lazy<AmazonSecurityTokenServiceClient>? _baseSts;
    private readonly Lazy<CloudWatchLogsClient> _logs;
    private readonly Lazy<EventBridgeClient> _events;
    private readonly Lazy<CloudTrailClient> _cloudTrail;
    private readonly Lazy<SnsClient> _sns;
    private readonly Lazy<LambdaClient> _lambda;
    private readonly Lazy<CodePipelineClient> _codePipeline;
    private readonly Lazy<Ec2Client> _ec2;
    private readonly Lazy<IamClient> _iam;

    private static readonly TimeSpan DefaultRoleDuration = TimeSpan.FromHours(1);

    private long _lastUsed;

    // A role session's own credentials, when its calls go through clients it shares with the role's other sessions.
    private readonly AWSCredentials? _session;
    private readonly AwsClients? _shared;

    /// <summary>Clients of <paramref name="scope"/>. With <paramref name="shared"/> (the role's clients in the scope's
    /// region, made with <see cref="ForRole"/>), a role session: its own credentials (AssumeRole with its session name),
    /// every client shared, so a thousand policies of one account hold one set of SDK clients, not a thousand.</summary>
    /// <param name="sameSession">The credentials of the same role session made for another region (STS credentials are
    /// valid in every region), so a session's calls to a bucket in another region need no AssumeRole of their own.</param>
    internal AwsClients(AwsScope scope, AwsClientOptions options, AwsCredentialsSource credentials, AwsSdkClientFactory sdk,
        AwsEndpointResolver endpoints, AwsCallRunner runner, HttpMessageHandler primaryHandler, AwsClients? shared = null,
        AWSCredentials? sameSession = null, AccountFacts? facts = null)
    {
        Scope = scope;
        _runner = runner;
        _lastUsed = runner.Time.GetTimestamp();
        Account = AccountOf(scope.RoleArn) ?? "default";
        var region = scope.Region;
        if (shared is not null)
        {
            // AssumeRole is made with the operator's own credentials, in the scope's region, by the shared STS client.
            _shared = shared;
            _baseSts = shared._baseSts;
            var roleArn = scope.RoleArn ?? throw new ArgumentException("a role session needs a role", nameof(scope));
            _session = sameSession ?? new AssumedRoleCredentials(roleArn, ct => AssumeAsync(scope, options, ct), options.CredentialRefreshMargin);
            Credentials = _session;
            (_ssm, _s3, _kms, _sts) = (shared._ssm, shared._s3, shared._kms, shared._sts);
            (_logs, _events, _cloudTrail, _sns, _lambda, _codePipeline) = (shared._logs, shared._events, shared._cloudTrail, shared._sns, shared._lambda, shared._codePipeline);
            (_ec2, _iam) = (shared._ec2, shared._iam);
            Facts = facts ?? new AccountFacts();
            return;
        }

        Facts = new AccountFacts();
        if (string.IsNullOrEmpty(scope.RoleArn))
        {
            Credentials = credentials.Base;
        }
        else
        {
            // The role's shared clients: they sign as the session of the call in flight (SessionRoutedCredentials).
            _baseSts = new Lazy<AmazonSecurityTokenServiceClient>(() => sdk.Sts(credentials.Base, region));
            Credentials = SessionRoutedCredentials.Instance;
        }

        var creds = Credentials;
        _ssm = new(() => sdk.Ssm(creds, region));
        _s3 = new(() => sdk.S3(creds, region));
        _kms = new(() => sdk.Kms(creds, region));
        _sts = new(() => sdk.Sts(creds, region));
        AwsChannel Channel(AwsService s) => new(s, region, endpoints.Resolve(s, region), creds, primaryHandler);
        _logs = new(() => new CloudWatchLogsClient(Channel(AwsService.Logs)));
        _events = new(() => new EventBridgeClient(Channel(AwsService.Events)));
        _cloudTrail = new(() => new CloudTrailClient(Channel(AwsService.CloudTrail)));
        _sns = new(() => new SnsClient(Channel(AwsService.Sns)));
        _lambda = new(() => new LambdaClient(Channel(AwsService.Lambda)));
        _codePipeline = new(() => new CodePipelineClient(Channel(AwsService.CodePipeline)));
        _ec2 = new(() => new Ec2Client(Channel(AwsService.Ec2)));
        _iam = new(() =>
        {
            var (endpoint, signingRegion) = endpoints.ResolveIam(region);
            return new IamClient(new AwsChannel(AwsService.Iam, signingRegion, endpoint, creds, primaryHandler));
        });
    }

    /// <summary>The clients every session of <paramref name="roleArn"/> shares in <paramref name="region"/>; they serve
    /// calls only through a session's <see cref="AwsClients"/>.</summary>
    internal static AwsClients ForRole(string roleArn, string region, AwsClientOptions options, AwsCredentialsSource credentials, AwsSdkClientFactory sdk,
        AwsEndpointResolver endpoints, AwsCallRunner runner, HttpMessageHandler primaryHandler) =>
        new(new AwsScope(region, roleArn), options, credentials, sdk, endpoints, runner, primaryHandler);

    /// <summary>What the account says the same to every session of the role in this region (account id, trail answer):
    /// a role session's are shared with the sessions of the same role, external id and session tags (the factory's), so
    /// a session never reuses what a session of other permissions (another external id, other ABAC tags) read.</summary>
    internal AccountFacts Facts { get; }

    /// <summary>The scope these clients serve.</summary>
    public AwsScope Scope { get; }

    /// <summary>Account key used for rate limits and metrics: the role's account, or "default".</summary>
    public string Account { get; }

    /// <summary>The credentials every client signs with (assumed-role credentials when the scope names a role).</summary>
    public AWSCredentials Credentials { get; }

    /// <summary>SSM (SDK).</summary>
    public IAmazonSimpleSystemsManagement Ssm => _ssm.Value;
    /// <summary>S3 (SDK).</summary>
    public IAmazonS3 S3 => _s3.Value;
    /// <summary>KMS (SDK).</summary>
    public IAmazonKeyManagementService Kms => _kms.Value;
    /// <summary>STS (SDK) with the scope's credentials.</summary>
    public IAmazonSecurityTokenService Sts => _sts.Value;
    /// <summary>CloudWatch Logs (thin).</summary>
    public CloudWatchLogsClient Logs => _logs.Value;
    /// <summary>EventBridge (thin).</summary>
    public EventBridgeClient Events => _events.Value;
    /// <summary>CloudTrail (thin).</summary>
    public CloudTrailClient CloudTrail => _cloudTrail.Value;
    /// <summary>SNS (thin).</summary>
    public SnsClient Sns => _sns.Value;
    /// <summary>Lambda (thin).</summary>
    public LambdaClient Lambda => _lambda.Value;
    /// <summary>CodePipeline (thin).</summary>
    public CodePipelineClient CodePipeline => _codePipeline.Value;

    /// <summary>EC2 (thin): instance profile associations only.</summary>
    public Ec2Client Ec2 => _ec2.Value;
    /// <summary>IAM (thin, global): instance profiles only.</summary>
    public IamClient Iam => _iam.Value;

    /// <summary>The shared clock (the runner's).</summary>
    public TimeProvider Time => _runner.Time;

    /// <summary>Runs one call (one page) of <paramref name="service"/> under the shared policy.</summary>
    public Task<T> RunAsync<T>(AwsService service, string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        Touch();
        return _session is null
            ? _runner.RunAsync(new AwsCallTarget(Account, Scope.Region, service), operation, call, cancellationToken)
            : RunAsSessionAsync(service, operation, call, cancellationToken);
    }

    // The async-local session set here flows into the call (and its retries) only, never back to the caller.
    private async Task<T> RunAsSessionAsync<T>(AwsService service, string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        SessionRoutedCredentials.Use(_session!);
        _shared!.Touch();
        return await _runner.RunAsync(new AwsCallTarget(Account, Scope.Region, service), operation, call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the scope as in use now.</summary>
    internal void Touch() => Volatile.Write(ref _lastUsed, _runner.Time.GetTimestamp());

    /// <summary>How long since the scope was last used (asked for, or a call made through <see cref="RunAsync{T}"/>).</summary>
    internal TimeSpan IdleFor => _runner.Time.GetElapsedTime(Volatile.Read(ref _lastUsed));

    private async Task<(ImmutableCredentials, DateTime)> AssumeAsync(AwsScope scope, AwsClientOptions options, CancellationToken ct)
    {
        var externalId = scope.ExternalId;
        var request = new AssumeRoleRequest
        {
            RoleArn = scope.RoleArn,
            // The policy's session name (sa-<policy>-<hash>) so CloudTrail in the target account shows which policy acted.
            RoleSessionName = scope.SessionName ?? options.RoleSessionName,
            Tags = scope.SessionTags is { Count: > 0 } tags ? tags.Items.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList() : null,
            // STS defaults to one hour; only a different duration is sent.
            DurationSeconds = options.AssumeRoleDuration == DefaultRoleDuration ? null : (int)options.AssumeRoleDuration.TotalSeconds,
            ExternalId = string.IsNullOrEmpty(externalId) ? null : externalId,
        };
        var sts = _baseSts!.Value;
        var response = await _runner.RunAsync(new AwsCallTarget(Account, Scope.Region, AwsService.Sts), "AssumeRole",
            c => sts.AssumeRoleAsync(request, c), ct).ConfigureAwait(false);
        var c = response.Credentials ?? throw new AwsFailure(AwsFailureKind.Invalid, "AssumeRole returned no credentials");
        var expiration = c.Expiration?.ToUniversalTime() ?? DateTime.UtcNow.Add(options.AssumeRoleDuration);
        return (new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), expiration);
    }

    // arn:aws:iam::123456789012:role/name -> 123456789012
    private static string? AccountOf(string? roleArn)
    {
        if (string.IsNullOrEmpty(roleArn))
        {
            return null;
        }
        var parts = roleArn.Split(':');
        return parts.Length > 4 && parts[4].Length > 0 ? parts[4] : roleArn;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // A session's clients are its role's: the role's own set disposes them.
        if (_shared is not null)
        {
            return;
        }

        if (_ssm.IsValueCreated) _ssm.Value.Dispose();
        if (_s3.IsValueCreated) _s3.Value.Dispose();
        if (_kms.IsValueCreated) _kms.Value.Dispose();
        if (_sts.IsValueCreated) _sts.Value.Dispose();
        if (_baseSts is { IsValueCreated: true }) _baseSts.Value.Dispose();
    }
}
