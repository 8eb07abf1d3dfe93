using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SessionAudit.Aws.Tests.Support;

/// <summary>Collects measurements of one meter instance (not the whole process, so parallel tests do not mix).</summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, string?> Tags)> _measurements = new();

    public MetricRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString()))));
        _listener.Start();
    }

    public long Sum(string instrument, string? operation = null, string? outcome = null) =>
        _measurements.Where(m => m.Instrument == instrument
                && (operation is null || m.Tags.GetValueOrDefault("operation") == operation)
                && (outcome is null || m.Tags.GetValueOrDefault("outcome") == outcome))
            .Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
