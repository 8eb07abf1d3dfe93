using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Credentials;
using SessionAudit.Aws.Telemetry;
using SessionAudit.Policy.Ports;
using System.Diagnostics.Metrics;

namespace SessionAudit.Aws.DependencyInjection;

/// <summary>Registers the AWS clients and the Policy/Reporting port implementations.</summary>
public static class AwsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="AwsScopeFactory"/> (also as <see cref="IAwsScopeFactory"/>), its options, the SDK default credential
    /// chain, the environment-variable endpoint resolver and the "SessionAudit.Aws" meter. TimeProvider.System unless one is registered.
    /// </summary>
    public static IServiceCollection AddSessionAuditAws(this IServiceCollection services, AwsClientOptions? options = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options ?? new AwsClientOptions());
        services.TryAddSingleton(_ => new AwsEndpointResolver());
        services.TryAddSingleton(_ => new AwsCredentialsSource());
        services.TryAddSingleton(sp => new AwsMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => new AwsScopeFactory(
            sp.GetRequiredService<AwsClientOptions>(),
            sp.GetRequiredService<AwsEndpointResolver>(),
            sp.GetRequiredService<AwsCredentialsSource>(),
            sp.GetRequiredService<AwsMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IAwsScopeFactory>(sp => sp.GetRequiredService<AwsScopeFactory>());
        return services;
    }
}
