using System.Collections.Concurrent;

namespace SessionAudit.Sandbox.Aws;

/// <summary>Faults tests switch on per service (botocore name, e.g. "ssm") and optionally per operation.</summary>
public sealed class AwsFaults
{
    private readonly ConcurrentDictionary<(string Service, string Operation), AwsFault> faults = new();

    /// <summary>Sets the fault for one operation, or for every operation of the service when <paramref name="operation"/> is null.</summary>
    public void Set(string service, string? operation, AwsFault fault) => faults[(service, operation ?? "*")] = fault;

    public void Remove(string service, string? operation) => faults.TryRemove((service, operation ?? "*"), out _);

    public void Clear() => faults.Clear();

    /// <summary>The operation's own fault wins over the service-wide one.</summary>
    public AwsFault? Get(string service, string operation) =>
        faults.IsEmpty ? null
        : faults.TryGetValue((service, operation), out var f) ? f
        : faults.TryGetValue((service, "*"), out f) ? f
        : null;
}

/// <summary>Shares are probabilities 0..1: throttling (ThrottlingException, S3 SlowDown 503) and server errors (500).</summary>
public sealed record AwsFault
{
    public double ThrottleShare { get; init; }
    public double ServerErrorShare { get; init; }
    public TimeSpan Latency { get; init; }
}
