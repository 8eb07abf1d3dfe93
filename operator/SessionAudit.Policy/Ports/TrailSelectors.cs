namespace SessionAudit.Policy.Ports;

/// <summary>A trail's event selectors (GetEventSelectors): basic or advanced, and whether they record session calls.</summary>
/// <param name="Basic">EventSelectors; null when the trail uses advanced selectors.</param>
/// <param name="Advanced">AdvancedEventSelectors; null when the trail uses basic selectors.</param>
/// <remarks>Session calls (StartSession, ResumeSession, TerminateSession) are write management events with eventSource
/// ssm.amazonaws.com. CloudTrail logs an event that matches any selector (botocore cloudtrail model, PutEventSelectors);
/// an advanced selector matches when all its field selectors match. A field this check does not know is taken as not
/// matching, so an answer of "recorded" is always one that was verified.</remarks>
public sealed record TrailSelectors(IReadOnlyList<BasicEventSelector>? Basic, IReadOnlyList<AdvancedEventSelector>? Advanced)
{
    /// <summary>The eventSource of Session Manager's API calls.</summary>
    public const string SessionEventSource = "ssm.amazonaws.com";

    private static readonly string[] SessionCalls = ["StartSession", "ResumeSession", "TerminateSession"];

    /// <summary>Null when the selectors record every session call; otherwise what keeps them out, naming the selector to change.</summary>
    public string? MissingSessionCalls()
    {
        if (Advanced is { Count: > 0 } advanced)
        {
            var why = new List<string>();
            foreach (var call in SessionCalls)
            {
                var fields = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["eventCategory"] = "Management",
                    ["readOnly"] = "false",
                    ["eventSource"] = SessionEventSource,
                    ["eventName"] = call,
                };
                var misses = advanced.Select((s, i) => (Name: s.Name is { Length: > 0 } n ? $"'{n}'" : $"#{i + 1}", Field: s.FieldSelectors.FirstOrDefault(f => !f.Matches(fields.GetValueOrDefault(f.Field)))?.Field)).ToList();
                if (misses.All(m => m.Field is not null))
                {
                    why.Add($"{call}: " + string.Join(", ", misses.Select(m => $"advanced event selector {m.Name} excludes it by its field {m.Field}")));
                }
            }

            return why.Count == 0 ? null
                : $"no advanced event selector selects write management events (eventCategory=Management, readOnly=false) from {SessionEventSource} ({string.Join("; ", why)})";
        }

        if (Basic is { Count: > 0 } basic)
        {
            var misses = new List<string>();
            for (var i = 0; i < basic.Count; i++)
            {
                var s = basic[i];
                var miss = s.IncludeManagementEvents == false ? "IncludeManagementEvents=false"
                    : s.ReadWriteType is not (null or "All" or "WriteOnly") ? $"ReadWriteType={s.ReadWriteType}"
                    : s.ExcludeManagementEventSources.Contains(SessionEventSource, StringComparer.Ordinal) ? $"ExcludeManagementEventSources contains {SessionEventSource}"
                    : null;
                if (miss is null)
                {
                    return null;
                }

                misses.Add($"event selector #{i + 1} has {miss}");
            }

            return $"no event selector records write management events ({string.Join("; ", misses)})";
        }

        return "GetEventSelectors returned no event selectors, so no management events are selected";
    }

    /// <summary>The command that makes the trail record the session calls, for messages: it replaces every selector of
    /// the trail, so the ones to keep must be listed with it.</summary>
    public string FixCommand(string trailArn, string? homeRegion)
    {
        var region = homeRegion is { Length: > 0 } r ? $" --region {r}" : "";
        return Advanced is { Count: > 0 }
            ? $"aws cloudtrail put-event-selectors{region} --trail-name {trailArn} --advanced-event-selectors '[{{\"Name\":\"Management events\",\"FieldSelectors\":[{{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]}}]}}, ...the selectors to keep]'"
            : $"aws cloudtrail put-event-selectors{region} --trail-name {trailArn} --event-selectors '[{{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}}, ...the selectors to keep]'";
    }
}

/// <summary>One basic event selector.</summary>
/// <param name="ReadWriteType">ReadOnly, WriteOnly or All (null: All, the default).</param>
/// <param name="IncludeManagementEvents">Null: true, the default.</param>
/// <param name="ExcludeManagementEventSources">Event sources left out of the management events.</param>
public sealed record BasicEventSelector(string? ReadWriteType, bool? IncludeManagementEvents, IReadOnlyList<string> ExcludeManagementEventSources);

/// <summary>One advanced event selector.</summary>
/// <param name="Name">Its name, for messages.</param>
/// <param name="FieldSelectors">All must match.</param>
public sealed record AdvancedEventSelector(string? Name, IReadOnlyList<AdvancedFieldSelector> FieldSelectors);

/// <summary>One field condition of an advanced event selector (the model's Equals, StartsWith, ... operators).</summary>
public sealed record AdvancedFieldSelector(string Field)
{
    /// <summary>Equals.</summary>
    public IReadOnlyList<string>? EqualTo { get; init; }
    /// <summary>StartsWith.</summary>
    public IReadOnlyList<string>? StartsWith { get; init; }
    /// <summary>EndsWith.</summary>
    public IReadOnlyList<string>? EndsWith { get; init; }
    /// <summary>NotEquals.</summary>
    public IReadOnlyList<string>? NotEqualTo { get; init; }
    /// <summary>NotStartsWith.</summary>
    public IReadOnlyList<string>? NotStartsWith { get; init; }
    /// <summary>NotEndsWith.</summary>
    public IReadOnlyList<string>? NotEndsWith { get; init; }

    /// <summary>True when the event's value of this field meets every operator given; an unknown field (null) never matches.</summary>
    public bool Matches(string? value) =>
        value is not null
        && (EqualTo is null || EqualTo.Contains(value, StringComparer.Ordinal))
        && (StartsWith is null || StartsWith.Any(p => value.StartsWith(p, StringComparison.Ordinal)))
        && (EndsWith is null || EndsWith.Any(p => value.EndsWith(p, StringComparison.Ordinal)))
        && (NotEqualTo is null || !NotEqualTo.Contains(value, StringComparer.Ordinal))
        && (NotStartsWith is null || !NotStartsWith.Any(p => value.StartsWith(p, StringComparison.Ordinal)))
        && (NotEndsWith is null || !NotEndsWith.Any(p => value.EndsWith(p, StringComparison.Ordinal)));
}
