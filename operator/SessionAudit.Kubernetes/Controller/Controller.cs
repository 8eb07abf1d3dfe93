using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Queue;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Telemetry;

namespace SessionAudit.Kubernetes.Controller;

/// <summary>
/// One run of a controller: informer, work queue, resync and workers around a reconciler. A run starts when
/// this process may reconcile (leading, or leader election off) and ends at once when it may not. Create a new
/// one per run.
/// </summary>
public sealed class Controller<T> : IInformerHandler<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ResourceDescriptor resource;
    private readonly IReconciler<T> reconciler;
    private readonly ControllerOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Informer<T> informer;
    private readonly IReadOnlyList<IInformer> secondaries;
    private readonly ConcurrentDictionary<ResourceKey, byte> terminal = new();
    private readonly KeyValuePair<string, object?> nameTag;

    /// <summary>
    /// Creates a run; nothing happens before <see cref="RunAsync"/>. Each of <paramref name="watches"/> runs its own
    /// informer in this run; workers start once the primary and every secondary informer have synced.
    /// </summary>
    public Controller(
        KubernetesApi api,
        ResourceDescriptor resource,
        ResourceCache<T> cache,
        IReconciler<T> reconciler,
        ControllerOptions options,
        TimeProvider? time = null,
        ILogger? logger = null,
        IEnumerable<IWatch<T>>? watches = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.resource = resource;
        this.reconciler = reconciler;
        this.options = options;
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
        nameTag = ControllerTelemetry.Tag("controller", resource.Kind);
        Queue = new WorkQueue<ResourceKey>(MaxOfRateLimiter<ResourceKey>.Default(options.QueueRateLimits, this.time), this.time, resource.Kind);
        informer = new Informer<T>(api, resource, cache, options.Informer, this, this.time, this.logger);
        secondaries = [.. (watches ?? []).Select(w => w.CreateInformer(api, cache, OnMapped, options.Informer, this.time, this.logger))];
    }

    /// <summary>The run's work queue.</summary>
    public WorkQueue<ResourceKey> Queue { get; }

    /// <summary>The run's informer.</summary>
    public Informer<T> Informer => informer;

    /// <summary>
    /// Runs until <paramref name="ct"/> fires, which stops everything at once (in-flight reconciles see it).
    /// Call <see cref="DrainAsync"/> first for a graceful stop.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var informerTask = informer.RunAsync(stop.Token);
        var secondaryTasks = secondaries.Select(s => s.RunAsync(stop.Token)).ToList();
        var workers = new List<Task>();
        try
        {
            // This run's own first list, not the shared cache's: in a new leadership term the cache has long synced,
            // and workers must not start before the list has queued every object again. Likewise every secondary
            // informer's: a reconcile must never read a secondary cache this run has not listed.
            await informer.WaitForSyncAsync(ct).ConfigureAwait(false);
            foreach (var s in secondaries)
            {
                await s.WaitForSyncAsync(ct).ConfigureAwait(false);
            }

            RuntimeLog.ControllerStarted(logger, resource.Kind, options.Concurrency, options.Resync);
            for (var i = 0; i < options.Concurrency; i++)
            {
                workers.Add(Task.Run(() => WorkerAsync(stop.Token), CancellationToken.None));
            }

            workers.Add(ResyncAsync(stop.Token));
            if (options.IdleMemoryTrim > TimeSpan.Zero)
            {
                var trim = new IdleMemoryTrim(options.IdleMemoryTrim, () => Queue.IsIdle, time, logger, tags: [nameTag]);
                workers.Add(trim.RunAsync(stop.Token));
            }

            await Task.WhenAny([Task.WhenAll(workers), informerTask, .. secondaryTasks]).ConfigureAwait(false);
        }
        finally
        {
            Queue.ShutDown();
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var t in workers.Append(informerTask).Concat(secondaryTasks))
            {
                try
                {
                    await t.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            RuntimeLog.ControllerStopped(logger, resource.Kind);
        }

        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Graceful stop: no new keys are handed out; waits for in-flight reconciles (or <paramref name="ct"/>).</summary>
    public Task DrainAsync(CancellationToken ct) => Queue.ShutDownWithDrainAsync(ct);

    /// <inheritdoc/>
    public void OnAdd(T obj)
    {
        var key = ResourceKey.Of(obj);
        terminal.TryRemove(key, out _);

        // The initial list is bulk work like a resync: objects created or changed while it is being worked off
        // come as watch events and go first.
        Queue.Add(key, informer.HasSynced ? QueuePriority.High : QueuePriority.Low);
    }

    /// <inheritdoc/>
    public void OnUpdate(T oldObj, T newObj)
    {
        if (!Predicates.GenerationOrMetadataChanged(oldObj, newObj))
        {
            return;
        }

        var key = ResourceKey.Of(newObj);
        terminal.TryRemove(key, out _);
        Queue.Add(key, QueuePriority.High);
    }

    /// <inheritdoc/>
    public void OnDelete(T obj)
    {
        // Reconciled too: the reconciler finds no object in the cache and may clean up.
        var key = ResourceKey.Of(obj);
        terminal.TryRemove(key, out _);
        Queue.Add(key, QueuePriority.High);
    }

    /// <summary>A secondary object changed: a primary key it maps to is reconciled again.</summary>
    private void OnMapped(ResourceKey key, QueuePriority priority)
    {
        // Something the object depends on changed, which may cure a terminal failure (a missing reference created).
        terminal.TryRemove(key, out _);
        Queue.Add(key, priority);
    }

    private async Task WorkerAsync(CancellationToken ct)
    {
        while (true)
        {
            var (ok, key, priority) = await Queue.GetWithPriorityAsync(ct).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }

            try
            {
                await ReconcileOneAsync(key, priority, ct).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(key);
            }
        }
    }

    private async Task ReconcileOneAsync(ResourceKey key, QueuePriority priority, CancellationToken ct)
    {
        var keyText = key.ToString();
        var reconcileId = Guid.NewGuid().ToString();

        // Every line logged inside (the reconciler's, its clients') names the object and this reconcile: the scope lives
        // in the logger factory's scope provider, shared by every logger it made, and flows with the async context.
        using var scope = logger.BeginScope(new ReconcileLogScope(resource.Kind, keyText, reconcileId));
        using var activity = ControllerTelemetry.ActivitySource.StartActivity($"reconcile {resource.Kind}", ActivityKind.Internal);
        activity?.SetTag("k8s.resource.kind", resource.Kind);
        activity?.SetTag("k8s.resource.key", keyText);
        activity?.SetTag("k8s.reconcile.id", reconcileId);
        var retries = Queue.Retries(key);
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(options.ReconcileTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        ReconcileResult result;
        var timedOut = false;
        string outcome;
        try
        {
            result = await reconciler.ReconcileAsync(new ReconcileRequest(key, retries), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown or lost leadership: the next run relists and reconciles the key again.
            Record(activity, started, "canceled");
            return;
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
        {
            // The reconcile's own deadline, not a stop: a retry with backoff, as any transient failure.
            timedOut = true;
            result = ReconcileResult.Transient(new TimeoutException($"the reconcile did not finish within {options.ReconcileTimeout}", e));
        }
        catch (Exception e)
        {
            result = ReconcileResult.Transient(e);
        }

        switch (result.Outcome)
        {
            case ReconcileOutcome.Success:
                Queue.Forget(key);
                outcome = "success";
                break;
            case ReconcileOutcome.RequeueAfter:
                Queue.Forget(key);
                // A periodic re-check, not a change: it must not overtake events.
                Queue.AddAfter(key, result.Delay, QueuePriority.Low);
                outcome = "requeue_after";
                break;
            case ReconcileOutcome.Terminal:
                Queue.Forget(key);
                terminal[key] = 0;
                outcome = "terminal";
                RuntimeLog.ReconcileTerminal(logger, resource.Kind, keyText, result.Error);
                break;
            default:
                // A retry keeps the lane of the attempt that failed: a failing change stays ahead of resyncs.
                Queue.AddRateLimited(key, priority);
                if (timedOut)
                {
                    outcome = "timeout";
                    RuntimeLog.ReconcileTimedOut(logger, resource.Kind, keyText, options.ReconcileTimeout, retries + 1);
                }
                else
                {
                    outcome = "transient";
                    RuntimeLog.ReconcileTransient(logger, resource.Kind, keyText, retries + 1, result.Error);
                }

                break;
        }

        if (result.Error is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error.Message);
        }

        Record(activity, started, outcome);
    }

    private void Record(Activity? activity, long started, string outcome)
    {
        var tag = ControllerTelemetry.Tag("outcome", outcome);
        activity?.SetTag("outcome", outcome);
        ControllerTelemetry.ReconcileDuration.Record(time.GetElapsedTime(started).TotalSeconds, nameTag, tag);
        ControllerTelemetry.Reconciles.Add(1, nameTag, tag);
    }

    private async Task ResyncAsync(CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(options.Resync, time, ct).ConfigureAwait(false);

            // Bypasses the predicate on purpose: drift lives outside the object, so nothing in it changed. Low
            // priority, so that watch events overtake the burst. A key whose own delayed add (RequeueAfter, a
            // retry) fires before the next resync is left to it: it is reconciled within this interval anyway,
            // and queuing it now too would check it twice per interval.
            var nextResync = time.GetUtcNow() + options.Resync;
            int queued = 0, pending = 0, terminalKeys = 0;
            foreach (var key in informer.Cache.Keys())
            {
                if (terminal.ContainsKey(key))
                {
                    terminalKeys++;
                }
                else if (Queue.AddUnlessScheduled(key, nextResync, QueuePriority.Low))
                {
                    queued++;
                }
                else
                {
                    pending++;
                }
            }

            ControllerTelemetry.ResyncKeys.Add(queued, nameTag, ControllerTelemetry.Tag("action", "queued"));
            ControllerTelemetry.ResyncKeys.Add(pending, nameTag, ControllerTelemetry.Tag("action", "skipped_pending"));
            ControllerTelemetry.ResyncKeys.Add(terminalKeys, nameTag, ControllerTelemetry.Tag("action", "skipped_terminal"));
            RuntimeLog.Resynced(logger, resource.Kind, queued, pending, terminalKeys);
        }
    }
}
