using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionAudit.Kubernetes.Api;
using SessionAudit.Kubernetes.Resources;

namespace SessionAudit.Kubernetes.Events;

/// <summary>
/// Records core/v1 Events about objects, best-effort: an identical event (same object, type, reason, message)
/// bumps `count` and `lastTimestamp` of the existing Event instead of creating another; a per-object spam filter
/// drops floods. Events about cluster-scoped objects go to namespace `default`, where kubectl describe looks.
/// </summary>
public sealed class EventRecorder : IEventRecorder
{
    private const int MaxAggregates = 4096;
    private readonly KubernetesApi api;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly EventSpamFilter spam;
    private readonly Lock gate = new();
    private readonly Dictionary<string, (string Namespace, string Name, int Count, DateTime First)> aggregates = [];

    /// <summary>Creates a recorder reporting as <paramref name="component"/> from <paramref name="instance"/>.</summary>
    public EventRecorder(KubernetesApi api, string component, string instance, TimeProvider? time = null, ILogger? logger = null, EventSpamFilter? spamFilter = null)
    {
        this.api = api;
        Component = component;
        Instance = instance;
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
        spam = spamFilter ?? new EventSpamFilter(this.time);
    }

    /// <summary>Reporting component (source.component, reportingComponent).</summary>
    public string Component { get; }

    /// <summary>Reporting instance (source.host, reportingInstance).</summary>
    public string Instance { get; }

    /// <summary>Records a Normal event.</summary>
    public Task<bool> NormalAsync(IKubernetesObject<V1ObjectMeta> obj, string reason, string message, CancellationToken ct) =>
        RecordAsync(obj, "Normal", reason, message, ct);

    /// <summary>Records a Warning event.</summary>
    public Task<bool> WarningAsync(IKubernetesObject<V1ObjectMeta> obj, string reason, string message, CancellationToken ct) =>
        RecordAsync(obj, "Warning", reason, message, ct);

    /// <summary>
    /// Records an event; true when it reached the API (created or aggregated), false when filtered or failed.
    /// Never throws except for cancellation: events must not fail a reconcile.
    /// </summary>
    public async Task<bool> RecordAsync(IKubernetesObject<V1ObjectMeta> obj, string type, string reason, string message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var meta = obj.Metadata ?? new V1ObjectMeta();
        var ns = string.IsNullOrEmpty(meta.NamespaceProperty) ? "default" : meta.NamespaceProperty;
        var objectKey = $"{Component}|{obj.ApiVersion}|{obj.Kind}|{meta.NamespaceProperty}|{meta.Name}|{meta.Uid}";
        if (!spam.Allow(objectKey))
        {
            RuntimeLog.EventFiltered(logger, reason, objectKey);
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var aggregateKey = $"{objectKey}|{type}|{reason}|{message}";
        (string Namespace, string Name, int Count, DateTime First) existing;
        bool found;
        lock (gate)
        {
            found = aggregates.TryGetValue(aggregateKey, out existing);
        }

        try
        {
            if (found)
            {
                var patch = new JsonObject
                {
                    ["count"] = existing.Count + 1,
                    ["lastTimestamp"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                };
                try
                {
                    await api.MergePatchAsync<Corev1Event>(ResourceDescriptor.Event, new ResourceKey(existing.Namespace, existing.Name), patch.ToJsonString(), ct).ConfigureAwait(false);
                    Remember(aggregateKey, existing with { Count = existing.Count + 1 });
                    return true;
                }
                catch (KubernetesApiException e) when (e.IsNotFound)
                {
                    // Events expire (1 h by default); start a new one.
                }
            }

            var name = $"{meta.Name}.{(now.Ticks - DateTime.UnixEpoch.Ticks).ToString("x", CultureInfo.InvariantCulture)}";
            var ev = new Corev1Event
            {
                ApiVersion = "v1",
                Kind = "Event",
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                InvolvedObject = new V1ObjectReference
                {
                    ApiVersion = obj.ApiVersion,
                    Kind = obj.Kind,
                    Name = meta.Name,
                    NamespaceProperty = meta.NamespaceProperty,
                    Uid = meta.Uid,
                    ResourceVersion = meta.ResourceVersion,
                },
                Type = type,
                Reason = reason,
                Message = message,
                Count = 1,
                FirstTimestamp = now,
                LastTimestamp = now,
                Source = new V1EventSource { Component = Component, Host = Instance },
                ReportingComponent = Component,
                ReportingInstance = Instance,
            };
            await api.CreateAsync(ResourceDescriptor.Event, ns, ev, ct).ConfigureAwait(false);
            Remember(aggregateKey, (ns, name, 1, now));
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            RuntimeLog.EventFailed(logger, reason, e);
            return false;
        }
    }

    private void Remember(string key, (string, string, int, DateTime) value)
    {
        lock (gate)
        {
            if (aggregates.Count >= MaxAggregates && !aggregates.ContainsKey(key))
            {
                // Bounded memory beats perfect aggregation: start over rather than grow.
                aggregates.Clear();
            }

            aggregates[key] = value;
        }
    }
}
