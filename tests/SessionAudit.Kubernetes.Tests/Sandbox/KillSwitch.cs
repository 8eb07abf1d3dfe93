namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>
/// Cuts a client off the network: once tripped, every request fails before leaving the process. To the API
/// server the client is gone as if killed -9 (no release of its Lease, no further writes).
/// </summary>
public sealed class KillSwitch : DelegatingHandler
{
    private volatile bool tripped;

    public void Trip() => tripped = true;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        tripped ? throw new HttpRequestException("connection cut by the test") : base.SendAsync(request, cancellationToken);
}
