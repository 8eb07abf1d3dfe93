namespace SessionAudit.Policy.Ports;

/// <summary>An EventBridge rule as DescribeRule returns it.</summary>
/// <param name="Name">Rule name.</param>
/// <param name="Arn">Rule ARN.</param>
/// <param name="EventPattern">Event pattern JSON; null for scheduled rules.</param>
/// <param name="State">"ENABLED" or "DISABLED".</param>
/// <param name="Description">Rule description; the operator's ownership marker lives here.</param>
public sealed record EventRuleInfo(string Name, string Arn, string? EventPattern, string State, string? Description);

/// <summary>What PutRule writes.</summary>
/// <param name="Name">Rule name.</param>
/// <param name="EventPattern">Event pattern JSON.</param>
/// <param name="State">"ENABLED" or "DISABLED".</param>
/// <param name="Description">Description, carrying the ownership marker.</param>
public sealed record EventRuleDefinition(string Name, string EventPattern, string State, string Description);

/// <summary>One RunCommandTargets entry of a Run Command target.</summary>
/// <param name="Key">"InstanceIds" or "tag:&lt;name&gt;".</param>
/// <param name="Values">Instance ids or tag values.</param>
public sealed record RunCommandTarget(string Key, IReadOnlyList<string> Values);

/// <summary>An EventBridge target (PutTargets / ListTargetsByRule).</summary>
/// <param name="Id">Target id, unique within the rule (1..64 of [.\-_A-Za-z0-9]).</param>
/// <param name="Arn">Target ARN (topic, function, pipeline, or SSM document for Run Command).</param>
/// <param name="RoleArn">Role EventBridge assumes; required for CodePipeline and Run Command.</param>
/// <param name="RunCommandTargets">RunCommandParameters.RunCommandTargets for Run Command targets; null otherwise.</param>
/// <param name="Input">Input: constant JSON passed instead of the event (a Run Command target's document parameters); null for the event itself.</param>
public sealed record EventTarget(string Id, string Arn, string? RoleArn = null, IReadOnlyList<RunCommandTarget>? RunCommandTargets = null, string? Input = null);

/// <summary>EventBridge rules and targets on the default bus (DescribeRule, PutRule, DeleteRule, ListTargetsByRule, PutTargets, RemoveTargets).</summary>
public interface IEventRulePort
{
    /// <summary>DescribeRule; null when the rule does not exist (ResourceNotFoundException).</summary>
    Task<EventRuleInfo?> DescribeAsync(string ruleName, CancellationToken cancellationToken);

    /// <summary>PutRule (creates or replaces pattern, state and description); returns the rule ARN.</summary>
    Task<string> PutAsync(EventRuleDefinition rule, CancellationToken cancellationToken);

    /// <summary>DeleteRule; a rule already gone is not an error. Targets must be removed first.</summary>
    Task DeleteAsync(string ruleName, CancellationToken cancellationToken);

    /// <summary>ListTargetsByRule, every page.</summary>
    Task<IReadOnlyList<EventTarget>> ListTargetsAsync(string ruleName, CancellationToken cancellationToken);

    /// <summary>PutTargets (adds or replaces targets by id); a failed entry throws <see cref="AwsFailure"/>.</summary>
    Task PutTargetsAsync(string ruleName, IReadOnlyList<EventTarget> targets, CancellationToken cancellationToken);

    /// <summary>RemoveTargets by id; a failed entry throws <see cref="AwsFailure"/>.</summary>
    Task RemoveTargetsAsync(string ruleName, IReadOnlyList<string> targetIds, CancellationToken cancellationToken);
}
