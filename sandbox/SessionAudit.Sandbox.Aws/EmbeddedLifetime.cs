using Microsoft.Extensions.Hosting;

namespace SessionAudit.Sandbox.Aws;

/// <summary>Host lifetime that leaves SIGINT/SIGTERM to the embedding process (the default console lifetime would swallow them).</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
