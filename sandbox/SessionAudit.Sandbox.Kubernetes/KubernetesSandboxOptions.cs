namespace SessionAudit.Sandbox.Kubernetes;

/// <summary>Settings of a <see cref="KubernetesSandbox"/>; defaults suit tests (free port, loopback).</summary>
public sealed record KubernetesSandboxOptions
{
    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Address Kestrel binds to.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Clock for timestamps, watch timeouts, bookmarks and injected latency.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Watch events kept per resource for resuming watches; older resourceVersions get 410 Expired.</summary>
    public int WatchHistory { get; init; } = 5000;

    /// <summary>How often a watch that asked for bookmarks receives one.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Server-side watch timeout when the client gives no timeoutSeconds (the real server uses 30-60 minutes).</summary>
    public TimeSpan DefaultWatchTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Bearer tokens accepted, mapped to the identity they authenticate. <see cref="KubernetesSandbox.WriteKubeconfig"/> adds more.</summary>
    public IReadOnlyDictionary<string, string> Tokens { get; init; } = new Dictionary<string, string>();

    /// <summary>Requests without a bearer token are served as this identity; null answers them 401.</summary>
    public string? AnonymousIdentity { get; init; } = "system:anonymous";

    /// <summary>Most request records kept; older ones are dropped first.</summary>
    public int RequestLogCapacity { get; init; } = 100_000;

    /// <summary>Seed of the random source that decides injected faults and generated names; null is unseeded.</summary>
    public int? RandomSeed { get; init; }

    /// <summary>Serve HTTPS with a generated CA (the default: kubectl sends bearer tokens only over TLS). False serves plain HTTP, where kubectl is anonymous.</summary>
    public bool UseTls { get; init; } = true;

    /// <summary>gitVersion reported by /version.</summary>
    public string GitVersion { get; init; } = "v1.32.0-sessionaudit-sandbox";
}
