using SessionAudit.Aws;
using SessionAudit.Aws.DependencyInjection;

namespace SessionAudit.Operator.Cli;

/// <summary>The AWS clients for one-shot verbs (plan, report): the same wiring as the operator, credentials and endpoints from the environment.</summary>
internal sealed class AwsCli : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private AwsCli(ServiceProvider services)
    {
        this.services = services;
        Scopes = services.GetRequiredService<AwsScopeFactory>();
    }

    public AwsScopeFactory Scopes { get; }

    public static AwsCli Create()
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSessionAuditAws();
        return new AwsCli(collection.BuildServiceProvider());
    }

    /// <summary>--region, else $AWS_REGION, else $AWS_DEFAULT_REGION; a one-line error when none is set.</summary>
    public static string Region(string? flag) =>
        !string.IsNullOrWhiteSpace(flag) ? flag
        : Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } r ? r
        : Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is { Length: > 0 } d ? d
        : throw new UsageException("--region is required (or set AWS_REGION)");

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
