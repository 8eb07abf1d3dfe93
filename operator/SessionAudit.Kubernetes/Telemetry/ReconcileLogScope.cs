using System.Collections;

namespace SessionAudit.Kubernetes.Telemetry;

/// <summary>
/// The log scope of one reconcile: every line written inside it (the reconciler's, its clients') names the controller,
/// the key and the reconcile. Pairs rather than a dictionary: structured formatters (JSON console, OpenTelemetry) read
/// the pairs, the simple console prints <see cref="ToString"/>, which for a dictionary is its type name.
/// </summary>
internal sealed class ReconcileLogScope(string controller, string key, string reconcileId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("controller", controller),
        1 => new("key", key),
        2 => new("reconcileId", reconcileId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"controller={controller} key={key} reconcileId={reconcileId}";
}
