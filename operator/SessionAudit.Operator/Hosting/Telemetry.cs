using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SessionAudit.Operator.Hosting;

/// <summary>OpenTelemetry wiring: a Prometheus scrape endpoint always, OTLP export when the standard OTEL_* variables ask for it.</summary>
public static class Telemetry
{
    /// <summary>Meter and activity source names of every part of the operator.</summary>
    public static readonly string[] MeterNames = ["SessionAudit.Controller", "SessionAudit.Aws", "SessionAudit.Operator"];

    /// <summary>The operator's own meter (reports, policies by readiness).</summary>
    public static readonly Meter Meter = new("SessionAudit.Operator");

    /// <summary>Spans of the operator's own work outside the controller runtime (report refreshes).</summary>
    public static readonly ActivitySource ActivitySource = new("SessionAudit.Operator");

    /// <summary>Attribute sets kept per metric stream.</summary>
    public const int MetricCardinalityLimit = 500;

    public static IServiceCollection AddOperatorTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
            || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]);

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: configuration["OTEL_SERVICE_NAME"] ?? "session-audit-operator"))
            .WithMetrics(m =>
            {
                m.AddMeter(MeterNames);
                // The runtime's own meter (GC heap, working set, allocation, thread pool): what capacity planning and
                // the benchmark read (dotnet_gc_last_collection_heap_size_bytes, dotnet_process_memory_working_set_bytes).
                m.AddMeter("System.Runtime");
                // OpenTelemetry allocates every stream's points up front (2,000 by default, 72 bytes each: 4.6 MB for
                // our 32 streams, idle). No instrument of ours comes near 500 attribute sets (the widest is AWS calls
                // by service x operation x outcome); beyond it OpenTelemetry reports an otel.metric.overflow point.
                // The per-policy gauges are bounded by PolicyMetrics (policies x condition types).
                m.AddView(i => new MetricStreamConfiguration
                {
                    CardinalityLimit = PolicyMetrics.CardinalityLimit(i.Name) ?? MetricCardinalityLimit,
                });
                m.AddPrometheusExporter();
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            })
            .WithTracing(t =>
            {
                t.AddSource(MeterNames);
                if (otlp)
                {
                    t.AddOtlpExporter();
                }
            });
        return services;
    }
}
