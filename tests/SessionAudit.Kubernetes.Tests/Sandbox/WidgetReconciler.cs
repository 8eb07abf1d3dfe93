using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Status;

namespace SessionAudit.Kubernetes.Tests.Sandbox;

/// <summary>What the test reconciler saw: calls, overlaps per key, deletions.</summary>
public sealed class ReconcileLog
{
    private readonly ConcurrentDictionary<string, int> inFlight = new();
    private int violations;
    private int calls;

    public int Violations => Volatile.Read(ref violations);

    public int Calls => Volatile.Read(ref calls);

    public ConcurrentDictionary<string, byte> SeenDeleted { get; } = new();

    /// <summary>While set, every reconcile waits for it (or for its cancellation) before it reads anything.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Keys reconciled, in order.</summary>
    public ConcurrentQueue<string> Keys { get; } = new();

    public void Enter(string key)
    {
        Interlocked.Increment(ref calls);
        if (inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1) Interlocked.Increment(ref violations);
    }

    public void Exit(string key) => inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
}

/// <summary>Level-based test reconciler: reads the cache, writes observedGeneration/observedSize and Ready through /status.</summary>
public sealed partial class WidgetReconciler(IResourceCache<Widget> cache, IStatusWriter<Widget> status, ReconcileLog log, TimeProvider time, ILogger<WidgetReconciler> logger) : IReconciler<Widget>
{
    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest req, CancellationToken ct)
    {
        var key = req.Key.ToString();
        log.Enter(key);
        log.Keys.Enqueue(key);
        LogReconciling(logger, req.Retries);
        try
        {
            if (log.Hold is { } hold)
            {
                await hold.Task.WaitAsync(ct);
            }

            // Widen the window in which a second worker could wrongly pick the same key.
            await Task.Delay(Random.Shared.Next(0, 4), ct);
            var w = cache.Get(req.Key);
            if (w is null)
            {
                log.SeenDeleted[key] = 0;
                return ReconcileResult.Success();
            }

            log.SeenDeleted.TryRemove(key, out _);
            var now = time.GetUtcNow();
            await status.WriteAsync(
                w,
                x =>
                {
                    x.Status ??= new WidgetStatus();
                    x.Status.ObservedGeneration = x.Metadata.Generation;
                    x.Status.ObservedSize = x.Spec.Size;
                    x.Status.Conditions ??= [];
                    WidgetConditions.Set(x.Status.Conditions, "Ready", "True", "Reconciled", $"size {x.Spec.Size}", x.Metadata.Generation, now);
                },
                ct);
            return ReconcileResult.Success();
        }
        catch (KubernetesApiException e)
        {
            return ReconcileResult.Transient(e);
        }
        finally
        {
            log.Exit(key);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Reconciling a widget (retries {Retries})")]
    private static partial void LogReconciling(ILogger logger, int retries);
}
