using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SessionAudit.Aws.Telemetry;

/// <summary>The "SessionAudit.Aws" meter: every attempt counted by service, operation and outcome, plus retries and call latency.</summary>
public sealed class AwsMetrics : IDisposable
{
    /// <summary>Meter name to subscribe to (OpenTelemetry AddMeter).</summary>
    public const string MeterName = "SessionAudit.Aws";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a private meter when null.</summary>
    public AwsMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _attempts = _meter.CreateCounter<long>("sessionaudit.aws.calls", "{call}", "AWS API attempts by service, operation and outcome.");
        _retries = _meter.CreateCounter<long>("sessionaudit.aws.retries", "{retry}", "AWS API attempts that were retried.");
        _duration = _meter.CreateHistogram<double>("sessionaudit.aws.call.duration", "s", "Duration of a whole AWS call, retries included.");
    }

    /// <summary>The meter the instruments live on (tests listen to exactly this one).</summary>
    public Meter Meter => _meter;

    internal void Attempt(string service, string operation, string outcome) =>
        _attempts.Add(1, new TagList { { "service", service }, { "operation", operation }, { "outcome", outcome } });

    internal void Retry(string service, string operation, string outcome) =>
        _retries.Add(1, new TagList { { "service", service }, { "operation", operation }, { "outcome", outcome } });

    internal void Call(string service, string operation, string outcome, TimeSpan elapsed) =>
        _duration.Record(elapsed.TotalSeconds, new TagList { { "service", service }, { "operation", operation }, { "outcome", outcome } });

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
