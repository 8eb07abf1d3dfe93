using System.Collections.Concurrent;
using System.Diagnostics;
using SessionAudit.Kubernetes.Telemetry;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>The outcome tag of every reconcile span of one key (listeners are process-wide: other tests' keys are ignored).</summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener listener;

    public SpanRecorder(string key)
    {
        listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ControllerTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("k8s.resource.key") as string == key && a.GetTagItem("outcome") is string outcome)
                {
                    Outcomes.Enqueue(outcome);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
    }

    public ConcurrentQueue<string> Outcomes { get; } = new();

    public void Dispose() => listener.Dispose();
}
