using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;
using SessionAudit.Aws.Configuration;

namespace SessionAudit.Aws.Sdk;

/// <summary>
/// Creates AWS SDK clients (SSM, S3, KMS, STS) for one region and set of credentials, configured the same way as the
/// thin clients: endpoint from <see cref="AwsEndpointResolver"/>, no SDK retries (the <see cref="Resilience.AwsCallRunner"/>
/// is the one retry policy), path-style S3 with checksums only when required so local endpoints work.
/// </summary>
public sealed class AwsSdkClientFactory
{
    private readonly AwsEndpointResolver _endpoints;
    private readonly AwsClientOptions _options;
    private readonly HttpClientFactory? _httpClientFactory;

    /// <summary>Creates the factory; <paramref name="httpClientFactory"/> routes SDK traffic through our handler when given.</summary>
    public AwsSdkClientFactory(AwsEndpointResolver endpoints, AwsClientOptions options, HttpClientFactory? httpClientFactory = null)
    {
        _endpoints = endpoints;
        _options = options;
        _httpClientFactory = httpClientFactory;
    }

    /// <summary>An SSM client.</summary>
    public AmazonSimpleSystemsManagementClient Ssm(AWSCredentials credentials, string region) =>
        new(credentials, Configure(new AmazonSimpleSystemsManagementConfig(), AwsService.Ssm, region));

    /// <summary>A KMS client.</summary>
    public AmazonKeyManagementServiceClient Kms(AWSCredentials credentials, string region) =>
        new(credentials, Configure(new AmazonKeyManagementServiceConfig(), AwsService.Kms, region));

    /// <summary>An STS client (regional endpoint).</summary>
    public AmazonSecurityTokenServiceClient Sts(AWSCredentials credentials, string region) =>
        new(credentials, Configure(new AmazonSecurityTokenServiceConfig(), AwsService.Sts, region));

    /// <summary>An S3 client: path-style against a configured endpoint, checksums only when an operation requires them.</summary>
    public AmazonS3Client S3(AWSCredentials credentials, string region)
    {
        var config = Configure(new AmazonS3Config(), AwsService.S3, region);
        if (_endpoints.Configured(AwsService.S3) is not null)
        {
            // Local stand-ins have no per-bucket DNS names.
            config.ForcePathStyle = true;
        }
        config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
        config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        // No S3 Express session credentials: the SDK would fetch and refresh them (CreateSession) outside the call in
        // flight, where a role's shared clients have no session to sign with. Session Manager logs to general purpose
        // buckets only.
        config.DisableS3ExpressSessionAuth = true;
        return new AmazonS3Client(credentials, config);
    }

    private T Configure<T>(T config, AwsService service, string region) where T : ClientConfig
    {
        var configured = _endpoints.Configured(service);
        if (configured is not null)
        {
            config.ServiceURL = configured.ToString();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        // We resolved AWS_ENDPOINT_URL* ourselves; the SDK must not apply them a second time differently.
        config.IgnoreConfiguredEndpointUrls = true;
        config.MaxErrorRetry = 0;
        config.Timeout = _options.AttemptTimeout + TimeSpan.FromSeconds(5);
        if (_httpClientFactory is not null)
        {
            config.HttpClientFactory = _httpClientFactory;
        }
        return config;
    }
}
