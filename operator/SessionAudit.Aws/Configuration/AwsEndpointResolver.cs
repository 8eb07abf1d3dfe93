namespace SessionAudit.Aws.Configuration;

/// <summary>
/// Resolves the endpoint of a service the way the AWS SDKs do with environment variables:
/// AWS_ENDPOINT_URL_&lt;SERVICE_ID&gt; first, then AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.
/// One resolver serves the SDK clients and the thin clients, so both always agree.
/// </summary>
public sealed class AwsEndpointResolver
{
    private readonly Func<string, string?> _environment;

    /// <summary>Reads the process environment.</summary>
    public AwsEndpointResolver() : this(Environment.GetEnvironmentVariable) { }

    /// <summary>Reads variables through <paramref name="environment"/> (tests pass a dictionary).</summary>
    public AwsEndpointResolver(Func<string, string?> environment) => _environment = environment;

    /// <summary>The configured endpoint for <paramref name="service"/>, or null when none is configured (use AWS's public endpoint).</summary>
    public Uri? Configured(AwsService service)
    {
        if (string.Equals(_environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var value = NonEmpty(_environment(service.EndpointVariable)) ?? NonEmpty(_environment("AWS_ENDPOINT_URL"));
        return value is null ? null : new Uri(value, UriKind.Absolute);
    }

    /// <summary>The endpoint a thin client sends to: configured, or https://{prefix}.{region}.amazonaws.com.</summary>
    public Uri Resolve(AwsService service, string region) =>
        Configured(service) ?? new Uri($"https://{service.EndpointPrefix}.{region}.{DnsSuffix(region)}/");

    /// <summary>IAM's one endpoint and the region its requests are signed for, per partition (botocore endpoints.json,
    /// partitionEndpoint aws-global / aws-cn-global / aws-us-gov-global): configured or iam.amazonaws.com for us-east-1;
    /// iam.cn-north-1.amazonaws.com.cn for cn-north-1; iam.us-gov.amazonaws.com for us-gov-west-1.</summary>
    public (Uri Endpoint, string SigningRegion) ResolveIam(string region)
    {
        var (host, signing) = region.StartsWith("cn-", StringComparison.Ordinal) ? ("iam.cn-north-1.amazonaws.com.cn", "cn-north-1")
            : region.StartsWith("us-gov-", StringComparison.Ordinal) ? ("iam.us-gov.amazonaws.com", "us-gov-west-1")
            : ("iam.amazonaws.com", "us-east-1");
        return (Configured(AwsService.Iam) ?? new Uri($"https://{host}/"), signing);
    }

    // China and GovCloud partitions keep their own DNS suffix; everything else is amazonaws.com.
    private static string DnsSuffix(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
