using System.Text.RegularExpressions;
using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Conditions;

/// <summary>Builds a policy's conditions, keeping lastTransitionTime from the previous status while a condition's status stays the same.</summary>
public sealed partial class ConditionSet(IReadOnlyList<Condition>? previous, long generation, DateTimeOffset now)
{
    private readonly Dictionary<string, Condition> _conditions = new(StringComparer.Ordinal);

    /// <summary>Sets a condition. <paramref name="reason"/> must be CamelCase (metav1.Condition reason pattern).</summary>
    public void Set(string type, bool? status, string reason, string message)
    {
        if (!ReasonRegex().IsMatch(reason))
        {
            throw new ArgumentException($"reason \"{reason}\" does not match the metav1.Condition reason pattern", nameof(reason));
        }

        var text = status switch { true => "True", false => "False", null => "Unknown" };
        var before = previous?.FirstOrDefault(c => c.Type == type);
        _conditions[type] = new Condition
        {
            Type = type,
            Status = text,
            ObservedGeneration = generation,
            LastTransitionTime = before is not null && before.Status == text ? before.LastTransitionTime : now,
            Reason = reason,
            Message = message.Length > 32768 ? message[..32765] + "..." : message,
        };
    }

    /// <summary>The condition set so far for <paramref name="type"/>.</summary>
    public Condition? Get(string type) => _conditions.GetValueOrDefault(type);

    /// <summary>Conditions in publication order: Ready, Reconciling, Stalled, then the concerns; previous conditions not set now are kept.</summary>
    public IReadOnlyList<Condition> ToList()
    {
        var order = new[] { ConditionTypes.Ready, ConditionTypes.Reconciling, ConditionTypes.Stalled }.Concat(ConditionTypes.Concerns).ToList();
        var result = order.Where(_conditions.ContainsKey).Select(t => _conditions[t]).ToList();
        result.AddRange(_conditions.Where(kv => !order.Contains(kv.Key)).Select(kv => kv.Value));
        if (previous is not null)
        {
            result.AddRange(previous.Where(c => !_conditions.ContainsKey(c.Type)));
        }

        return result;
    }

    [GeneratedRegex("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")]
    private static partial Regex ReasonRegex();
}
