namespace SessionAudit.Policy.Planning;

/// <summary>What a planned change does.</summary>
public enum ChangeAction
{
    /// <summary>Something is created.</summary>
    Create,
    /// <summary>Something is changed in place.</summary>
    Update,
    /// <summary>Something is removed.</summary>
    Delete,
}

/// <summary>One change the plan makes (or, in Observe mode and dry runs, would make) in AWS.</summary>
/// <param name="Concern">Concern: document, kms, rule.</param>
/// <param name="Action">Create, update or delete.</param>
/// <param name="Path">Field path of what changes, for example document.inputs.s3BucketName or rule.targets[sa-sns-...].</param>
/// <param name="Current">Value now, as text; null when absent.</param>
/// <param name="Desired">Value wanted, as text; null when it goes away.</param>
public sealed record PlannedChange(string Concern, ChangeAction Action, string Path, string? Current, string? Desired)
{
    /// <summary>One line: "+ path: desired", "~ path: current -> desired" or "- path: current".</summary>
    public override string ToString() => Action switch
    {
        ChangeAction.Create => $"+ {Path}: {Desired}",
        ChangeAction.Delete => $"- {Path}: {Current}",
        _ => $"~ {Path}: {Current ?? "(absent)"} -> {Desired ?? "(absent)"}",
    };
}

/// <summary>The changes of one reconcile, in the order they are applied.</summary>
public sealed record Plan(IReadOnlyList<PlannedChange> Changes, IReadOnlyList<string> Notes)
{
    /// <summary>True when nothing would change.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>The plan as text, one change per line, then notes (held settings, warnings).</summary>
    public string Render()
    {
        var lines = new List<string>();
        lines.AddRange(Changes.Count == 0 ? ["No changes: AWS matches the policy."] : Changes.Select(c => c.ToString()));
        lines.AddRange(Notes.Select(n => "! " + n));
        return string.Join('\n', lines) + "\n";
    }
}
