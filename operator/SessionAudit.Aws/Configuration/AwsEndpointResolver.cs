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

    // China and GovCloud partitions keep their own DNS suffix; everything else is amazonaws.com.
    private static string DnsSuffix(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
