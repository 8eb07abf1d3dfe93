using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Hosting;

/// <summary>
/// Per-policy gauges, from the status each reconcile computed: <c>sessionaudit.policy.condition</c> (1 True, 0 False,
/// -1 Unknown, by policy and condition type), <c>sessionaudit.policy.drift</c> (field paths that differed at the last
/// check) and <c>sessionaudit.policy.last_sync.age</c> (seconds since AWS was last read). Labels are the policy name and
/// the condition type only (no message, reason or ARN), and at most <see cref="MaxPolicies"/> policies are exported, so
/// the series stay bounded; a deleted policy's series go with it.
/// </summary>
public sealed class PolicyMetrics : IDisposable
{
    /// <summary>How many policies get series of their own; the rest are counted in the aggregate metrics only.</summary>
    public const int MaxPolicies = 500;

    /// <summary>The condition types a policy reports, which bound the condition gauge's second label.</summary>
    public const int ConditionTypeBound = 12;

    private readonly ConcurrentDictionary<string, Snapshot> _policies = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Meter _meter = new(Telemetry.Meter.Name);

    /// <summary>Creates the gauges on the operator's meter.</summary>
    public PolicyMetrics(TimeProvider time)
    {
        _time = time;
        _meter.CreateObservableGauge("sessionaudit.policy.condition", ObserveConditions, "{status}",
            "Condition status of each policy by type: 1 True, 0 False, -1 Unknown.");
        _meter.CreateObservableGauge("sessionaudit.policy.drift", ObserveDrift, "{field}",
            "Field paths that differed between the policy's spec and AWS at its last check.");
        _meter.CreateObservableGauge("sessionaudit.policy.last_sync.age", ObserveSyncAge, "s",
            "Seconds since the policy's AWS state was last read and compared with its spec.");
        _meter.CreateObservableGauge("sessionaudit.policy.missing_logs", ObserveMissingLogs, "{session}",
            "Ended sessions of the policy's last report whose log is not where the preferences send it (policies with spec.report).");
    }

    /// <summary>The meter the gauges are on (one per instance, so a test can listen to its own).</summary>
    internal Meter Meter => _meter;

    /// <summary>Policies with series of their own now.</summary>
    public int Count => _policies.Count;

    /// <summary>The series a stream of instrument <paramref name="name"/> may hold (OpenTelemetry allocates them up
    /// front, about 72 bytes each); null for an instrument that is not one of these gauges.</summary>
    public static int? CardinalityLimit(string name) => name switch
    {
        "sessionaudit.policy.condition" => (MaxPolicies * ConditionTypeBound) + 1,
        "sessionaudit.policy.drift" or "sessionaudit.policy.last_sync.age" or "sessionaudit.policy.missing_logs" => MaxPolicies + 1,
        _ => null,
    };

    /// <summary>Keeps the status a reconcile computed for <paramref name="policy"/>; false when the bound left it out.</summary>
    public bool Record(string policy, SessionLoggingPolicyStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (_policies.Count >= MaxPolicies && !_policies.ContainsKey(policy))
        {
            return false;
        }

        var conditions = (status.Conditions ?? [])
            .Take(ConditionTypeBound)
            .Select(c => (c.Type, Value: c.Status switch { "True" => 1, "False" => 0, _ => -1 }))
            .ToArray();
        _policies[policy] = new Snapshot(conditions, status.Drift?.Count ?? 0, status.LastSyncTime, status.Report?.MissingLogs);
        return true;
    }

    /// <summary>Drops a deleted policy's series.</summary>
    public void Forget(string policy) => _policies.TryRemove(policy, out _);

    private IEnumerable<Measurement<int>> ObserveConditions()
    {
        foreach (var (name, s) in _policies)
        {
            foreach (var (type, value) in s.Conditions)
            {
                yield return new Measurement<int>(value, new KeyValuePair<string, object?>("policy", name), new KeyValuePair<string, object?>("type", type));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveDrift()
    {
        foreach (var (name, s) in _policies)
        {
            yield return new Measurement<int>(s.Drift, new KeyValuePair<string, object?>("policy", name));
        }
    }

    private IEnumerable<Measurement<long>> ObserveMissingLogs()
    {
        foreach (var (name, s) in _policies)
        {
            if (s.MissingLogs is { } missing)
            {
                yield return new Measurement<long>(missing, new KeyValuePair<string, object?>("policy", name));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveSyncAge()
    {
        var now = _time.GetUtcNow();
        foreach (var (name, s) in _policies)
        {
            if (s.LastSync is { } at)
            {
                yield return new Measurement<double>(Math.Max(0, (now - at).TotalSeconds), new KeyValuePair<string, object?>("policy", name));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private sealed record Snapshot((string Type, int Value)[] Conditions, int Drift, DateTimeOffset? LastSync, long? MissingLogs);
}
