using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using SessionAudit.Operator.Hosting;
using SessionAudit.Policy.Model;
using Xunit;

namespace SessionAudit.Operator.Tests;

/// <summary>The per-policy gauges: condition status by type, drift count and last-sync age, bounded in series.</summary>
public sealed class PolicyMetricsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static SessionLoggingPolicyStatus Status(params (string Type, string Status)[] conditions) => new()
    {
        Conditions = [.. conditions.Select(c => new Condition { Type = c.Type, Status = c.Status, Reason = "R", Message = "m" })],
        Drift = ["document.inputs.s3BucketName", "rule.state"],
        LastSyncTime = Now.AddSeconds(-90),
    };

    // What a scrape sees: every measurement of our gauges, with its labels.
    internal static List<(string Instrument, string Labels, double Value)> Observe(PolicyMetrics metrics)
    {
        var seen = new List<(string, string, double)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            // Only this instance's gauges: other tests' operators share the meter name.
            if (ReferenceEquals(i.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(i);
            }
        };
        void Add(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            seen.Add((i.Name, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")), v));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    [Fact]
    public void Conditions_are_one_zero_or_minus_one_by_policy_and_type_with_drift_and_sync_age()
    {
        using var metrics = new PolicyMetrics(new FakeTimeProvider(Now));
        metrics.Record("prod", Status(("Ready", "True"), ("S3Ready", "False"), ("AuditTrailReady", "Unknown")));

        var seen = Observe(metrics);
        Assert.Contains(("sessionaudit.policy.condition", "policy=prod,type=Ready", 1d), seen);
        Assert.Contains(("sessionaudit.policy.condition", "policy=prod,type=S3Ready", 0d), seen);
        Assert.Contains(("sessionaudit.policy.condition", "policy=prod,type=AuditTrailReady", -1d), seen);
        Assert.Contains(("sessionaudit.policy.drift", "policy=prod", 2d), seen);
        Assert.Contains(("sessionaudit.policy.last_sync.age", "policy=prod", 90d), seen);
        // Bounded labels: the policy name and the condition type, never a reason or message.
        Assert.All(seen, s => Assert.All(s.Labels.Split(','), l => Assert.True(l.StartsWith("policy=", StringComparison.Ordinal) || l.StartsWith("type=", StringComparison.Ordinal), l)));
        Assert.Equal(5, seen.Count);
    }

    [Fact]
    public void A_forgotten_policy_leaves_no_series_and_the_number_of_policies_is_bounded()
    {
        using var metrics = new PolicyMetrics(new FakeTimeProvider(Now));
        metrics.Record("gone", Status(("Ready", "True")));
        metrics.Forget("gone");
        Assert.DoesNotContain(Observe(metrics), s => s.Labels.Contains("policy=gone", StringComparison.Ordinal));

        for (var i = 0; i < PolicyMetrics.MaxPolicies; i++)
        {
            Assert.True(metrics.Record($"p{i}", Status(("Ready", "True"))));
        }

        Assert.False(metrics.Record("one-too-many", Status(("Ready", "True"))));
        Assert.True(metrics.Record("p0", Status(("Ready", "False"))), "a policy already exported is still updated");
        Assert.Equal(PolicyMetrics.MaxPolicies, metrics.Count);
        var seen = Observe(metrics);
        Assert.True(seen.Count(s => s.Instrument == "sessionaudit.policy.condition") <= PolicyMetrics.CardinalityLimit("sessionaudit.policy.condition"));
        Assert.Contains(("sessionaudit.policy.condition", "policy=p0,type=Ready", 0d), seen);
    }
}
