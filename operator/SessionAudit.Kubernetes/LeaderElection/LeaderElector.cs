using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Telemetry;

namespace SessionAudit.Kubernetes.LeaderElection;

/// <summary>
/// Lease-based leader election (client-go semantics) on <see cref="TimeProvider"/>. Expiry is judged by the
/// local time a Lease record was last seen to change, never by the holder's clock. The leader stops its work
/// as soon as it cannot renew within RenewDeadline, which is before any standby may take over (LeaseDuration).
/// </summary>
public sealed class LeaderElector
{
    private readonly KubernetesApi api;
    private readonly ResourceKey leaseKey;
    private readonly LeaderElectionOptions options;
    private readonly TimeProvider time;
    private static readonly System.Net.Http.Headers.MediaTypeHeaderValue JsonType = new("application/json");
    private readonly ILogger logger;
    private string? observedFingerprint;
    private long observedAt;
    private volatile bool isLeader;

    /// <summary>Creates an elector for one Lease; <paramref name="options"/> must carry Namespace, Name and Identity.</summary>
    public LeaderElector(KubernetesApi api, LeaderElectionOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.api = api;
        this.options = options;
        Identity = options.Identity ?? throw new ArgumentException("Identity is required", nameof(options));
        leaseKey = new ResourceKey(options.Namespace ?? throw new ArgumentException("Namespace is required", nameof(options)), options.Name ?? throw new ArgumentException("Name is required", nameof(options)));
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>This candidate's identity.</summary>
    public string Identity { get; }

    /// <summary>True while this process holds the Lease.</summary>
    public bool IsLeader => isLeader;

    /// <summary>
    /// Campaigns until leading, runs <paramref name="whileLeading"/> with a token that fires the moment
    /// leadership is lost, then campaigns again; until <paramref name="ct"/> fires.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(whileLeading);
        while (!ct.IsCancellationRequested)
        {
            await AcquireAsync(ct).ConfigureAwait(false);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(ct);
            isLeader = true;
            ControllerTelemetry.LeaderTransitions.Add(1, ControllerTelemetry.Tag("direction", "acquired"));
            RuntimeLog.LeadershipAcquired(logger, Identity, leaseKey.ToString());
            var work = Task.Run(() => whileLeading(leading.Token), CancellationToken.None);
            var renew = RenewUntilLostAsync(leading.Token);
            await Task.WhenAny(work, renew).ConfigureAwait(false);

            // Stop at once: whatever ended first, the other must not outlive leadership.
            isLeader = false;
            await leading.CancelAsync().ConfigureAwait(false);
            await Quietly(work).ConfigureAwait(false);
            await Quietly(renew).ConfigureAwait(false);
            ControllerTelemetry.LeaderTransitions.Add(1, ControllerTelemetry.Tag("direction", "lost"));
            RuntimeLog.LeadershipLost(logger, Identity, leaseKey.ToString());
            if (ct.IsCancellationRequested)
            {
                if (options.ReleaseOnCancel)
                {
                    await ReleaseAsync().ConfigureAwait(false);
                }

                break;
            }
        }

        ct.ThrowIfCancellationRequested();
    }

    /// <summary>One acquire-or-renew attempt; true when this candidate holds the Lease afterwards.</summary>
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var lease = await api.GetAsync<V1Lease>(ResourceDescriptor.Lease, leaseKey, ct).ConfigureAwait(false);
        if (lease is null)
        {
            var created = new V1Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new V1ObjectMeta { Name = leaseKey.Name, NamespaceProperty = leaseKey.Namespace },
                Spec = NewSpec(now, null),
            };
            try
            {
                var stored = await api.SendAsync<V1Lease>(HttpMethod.Post, ResourceDescriptor.Lease.CollectionPath(leaseKey.Namespace), LeaseJson(created), JsonType, ct).ConfigureAwait(false);
                Observe(stored);
                return true;
            }
            catch (KubernetesApiException e) when (e.IsConflict)
            {
                return false;
            }
        }

        Observe(lease);
        var holder = lease.Spec?.HolderIdentity;
        var duration = TimeSpan.FromSeconds(lease.Spec?.LeaseDurationSeconds ?? (int)options.LeaseDuration.TotalSeconds);
        if (!string.IsNullOrEmpty(holder) && holder != Identity && time.GetElapsedTime(observedAt) < duration)
        {
            return false;
        }

        lease.Spec = NewSpec(now, holder == Identity ? lease.Spec : null, lease.Spec);
        try
        {
            var stored = await api.SendAsync<V1Lease>(HttpMethod.Put, ResourceDescriptor.Lease.ObjectPath(leaseKey), LeaseJson(lease), JsonType, ct).ConfigureAwait(false);
            Observe(stored);
            return true;
        }
        catch (KubernetesApiException e) when (e.IsConflict || e.IsNotFound)
        {
            return false;
        }
    }

    private async Task AcquireAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                if (await TryAcquireOrRenewAsync(ct).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                RuntimeLog.LeaseAttemptFailed(logger, Identity, e);
            }

            await Task.Delay(Jitter(options.RetryPeriod), time, ct).ConfigureAwait(false);
        }
    }

    private async Task RenewUntilLostAsync(CancellationToken ct)
    {
        var lastRenew = time.GetTimestamp();
        while (true)
        {
            await Task.Delay(options.RetryPeriod, time, ct).ConfigureAwait(false);
            var left = options.RenewDeadline - time.GetElapsedTime(lastRenew);
            var renewed = false;
            if (left > TimeSpan.Zero)
            {
                // A renewal that would land after the deadline is worthless: bound it by the time left.
                using var deadline = new CancellationTokenSource(left, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
                try
                {
                    renewed = await TryAcquireOrRenewAsync(linked.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    RuntimeLog.LeaseAttemptFailed(logger, Identity, e);
                }
            }

            if (renewed)
            {
                lastRenew = time.GetTimestamp();
            }
            else if (time.GetElapsedTime(lastRenew) >= options.RenewDeadline)
            {
                return;
            }
        }
    }

    private async Task ReleaseAsync()
    {
        try
        {
            // On the real clock: it bounds network waits within the host's shutdown, which a test clock does not drive.
            using var timeout = new CancellationTokenSource(options.ReleaseTimeout);
            var lease = await api.GetAsync<V1Lease>(ResourceDescriptor.Lease, leaseKey, timeout.Token).ConfigureAwait(false);
            if (lease?.Spec?.HolderIdentity != Identity)
            {
                return;
            }

            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = time.GetUtcNow().UtcDateTime;
            await api.SendAsync<V1Lease>(HttpMethod.Put, ResourceDescriptor.Lease.ObjectPath(leaseKey), LeaseJson(lease), JsonType, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RuntimeLog.LeaseAttemptFailed(logger, Identity, e);
        }
    }

    /// <summary>
    /// The Lease as JSON with renewTime and acquireTime as metav1.MicroTime: exactly six fraction digits, which the API
    /// server's decoder requires (a 400 otherwise). The official client's serializer drops a zero fraction
    /// (`2024-01-01T00:00:00Z`), so the two fields are written here.
    /// </summary>
    private static string LeaseJson(V1Lease lease)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(lease))!.AsObject();
        if (node["spec"] is System.Text.Json.Nodes.JsonObject spec)
        {
            if (lease.Spec?.RenewTime is { } renew) spec["renewTime"] = MicroTime(renew);
            if (lease.Spec?.AcquireTime is { } acquire) spec["acquireTime"] = MicroTime(acquire);
        }

        return node.ToJsonString();
    }

    /// <summary>RFC3339Micro in UTC: `2024-01-01T00:00:00.000000Z`.</summary>
    private static string MicroTime(DateTime t) =>
        t.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private V1LeaseSpec NewSpec(DateTime now, V1LeaseSpec? mine, V1LeaseSpec? previous = null) => new()
    {
        HolderIdentity = Identity,
        LeaseDurationSeconds = (int)Math.Ceiling(options.LeaseDuration.TotalSeconds),
        AcquireTime = mine?.AcquireTime ?? now,
        RenewTime = now,
        LeaseTransitions = mine is not null ? mine.LeaseTransitions ?? 0 : (previous?.LeaseTransitions ?? -1) + 1,
    };

    private void Observe(V1Lease lease)
    {
        var fingerprint = $"{lease.Spec?.HolderIdentity}|{lease.Spec?.RenewTime:O}|{lease.Metadata?.ResourceVersion}";
        if (fingerprint != observedFingerprint)
        {
            observedFingerprint = fingerprint;
            observedAt = time.GetTimestamp();
        }
    }

    private static TimeSpan Jitter(TimeSpan d) => d + TimeSpan.FromTicks((long)(d.Ticks * 0.2 * Random.Shared.NextDouble()));

    private static async Task Quietly(Task t)
    {
        try
        {
            await t.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The work's own failures are logged by the work; here only its end matters.
        }
    }
}
