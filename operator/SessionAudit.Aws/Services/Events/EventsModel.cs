using System.Text.Json.Serialization;

namespace SessionAudit.Aws.Services.Events;

// Member names and types from botocore events/2015-10-07/service-2.json.

/// <summary>PutRuleRequest.</summary>
public sealed record PutRuleRequest
{
    /// <summary>Name (required).</summary>
    public required string Name { get; init; }
    /// <summary>EventPattern JSON.</summary>
    public string? EventPattern { get; init; }
    /// <summary>ScheduleExpression.</summary>
    public string? ScheduleExpression { get; init; }
    /// <summary>State: ENABLED or DISABLED.</summary>
    public string? State { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>RoleArn.</summary>
    public string? RoleArn { get; init; }
    /// <summary>EventBusName; null is the default bus.</summary>
    public string? EventBusName { get; init; }
}

/// <summary>PutRuleResponse.</summary>
public sealed record PutRuleResponse
{
    /// <summary>RuleArn.</summary>
    public string? RuleArn { get; init; }
}

/// <summary>DescribeRuleRequest.</summary>
public sealed record DescribeRuleRequest
{
    /// <summary>Name (required).</summary>
    public required string Name { get; init; }
    /// <summary>EventBusName.</summary>
    public string? EventBusName { get; init; }
}

/// <summary>DescribeRuleResponse.</summary>
public sealed record DescribeRuleResponse
{
    /// <summary>Name.</summary>
    public string? Name { get; init; }
    /// <summary>Arn.</summary>
    public string? Arn { get; init; }
    /// <summary>EventPattern.</summary>
    public string? EventPattern { get; init; }
    /// <summary>ScheduleExpression.</summary>
    public string? ScheduleExpression { get; init; }
    /// <summary>State.</summary>
    public string? State { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>RoleArn.</summary>
    public string? RoleArn { get; init; }
    /// <summary>ManagedBy.</summary>
    public string? ManagedBy { get; init; }
    /// <summary>EventBusName.</summary>
    public string? EventBusName { get; init; }
    /// <summary>CreatedBy.</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>DeleteRuleRequest.</summary>
public sealed record DeleteRuleRequest
{
    /// <summary>Name (required).</summary>
    public required string Name { get; init; }
    /// <summary>EventBusName.</summary>
    public string? EventBusName { get; init; }
    /// <summary>Force (managed rules only).</summary>
    public bool? Force { get; init; }
}

/// <summary>ListRulesRequest.</summary>
public sealed record ListRulesRequest
{
    /// <summary>NamePrefix.</summary>
    public string? NamePrefix { get; init; }
    /// <summary>EventBusName.</summary>
    public string? EventBusName { get; init; }
    /// <summary>NextToken.</summary>
    public string? NextToken { get; init; }
    /// <summary>Limit (1..100).</summary>
    public int? Limit { get; init; }
}

/// <summary>ListRulesResponse.</summary>
public sealed record ListRulesResponse
{
    /// <summary>Rules.</summary>
    public IReadOnlyList<Rule>? Rules { get; init; }
    /// <summary>NextToken.</summary>
    public string? NextToken { get; init; }
}

/// <summary>Rule (ListRules entry).</summary>
public sealed record Rule
{
    /// <summary>Name.</summary>
    public string? Name { get; init; }
    /// <summary>Arn.</summary>
    public string? Arn { get; init; }
    /// <summary>EventPattern.</summary>
    public string? EventPattern { get; init; }
    /// <summary>State.</summary>
    public string? State { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>ScheduleExpression.</summary>
    public string? ScheduleExpression { get; init; }
    /// <summary>RoleArn.</summary>
    public string? RoleArn { get; init; }
    /// <summary>ManagedBy.</summary>
    public string? ManagedBy { get; init; }
    /// <summary>EventBusName.</summary>
    public string? EventBusName { get; init; }
}

/// <summary>Target.</summary>
public sealed record Target
{
    /// <summary>Id (required).</summary>
    public required string Id { get; init; }
    /// <summary>Arn (required).</summary>
    public required string Arn { get; init; }
    /// <summary>RoleArn.</summary>
    public string? RoleArn { get; init; }
    /// <summary>Input.</summary>
    public string? Input { get; init; }
    /// <summary>InputPath.</summary>
    public string? InputPath { get; init; }
    /// <summary>RunCommandParameters.</summary>
    public RunCommandParameters? RunCommandParameters { get; init; }
}

/// <summary>RunCommandParameters.</summary>
public sealed record RunCommandParameters
{
    /// <summary>RunCommandTargets (1..5).</summary>
    public required IReadOnlyList<RunCommandTarget> RunCommandTargets { get; init; }
}

/// <summary>RunCommandTarget.</summary>
public sealed record RunCommandTarget
{
    /// <summary>Key: "InstanceIds" or "tag:name".</summary>
    public required string Key { get; init; }
    /// <summary>Values (1..50).</summary>
    public required IReadOnlyList<string> Values { get; init; }
}

/// <summary>PutTargetsRequest.</summary>
public sealed record PutTargetsRequest
{
    /// <summary>Rule (required).</summary>
    public required string Rule { get; init; }
    /// <summary>EventBusName.</summary>
    public string? EventBusName { get; init; }
    /// <summary>Targets (required).</summary>
    public required IReadOnlyList<Target> Targets { get; init; }
}

/// <summary>PutTargetsResponse / RemoveTargetsResponse.</summary>
public sealed record TargetsResponse
{
    /// <summary>FailedEntryCount.</summary>
    public int? FailedEntryCount { get; init; }
    /// <summary>FailedEntries.</summary>
    public IReadOnlyList<TargetsResultEntry>? FailedEntries { get; init; }
}

/// <summary>PutTargetsResultEntry / RemoveTargetsResultEntry.</summary>
public sealed record TargetsResultEntry
{
    /// <summary>TargetId.</summary>
    public string? TargetId { get; init; }
    /// <summary>ErrorCode.</summary>
    public string? ErrorCode { get; init; }
    /// <summary>ErrorMessage.</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>RemoveTargetsRequest.</summary>
public sealed record RemoveTargetsRequest
{
    /// <summary>Rule (required).</summary>
    public required string Rule { get; init; }
    /// <summary>EventBusName.</summary>
    public string? EventBusName { get; init; }
    /// <summary>Ids (required).</summary>
    public required IReadOnlyList<string> Ids { get; init; }
    /// <summary>Force.</summary>
    public bool? Force { get; init; }
}

/// <summary>ListTargetsByRuleRequest.</summary>
public sealed record ListTargetsByRuleRequest
{
    /// <summary>Rule (required).</summary>
    public required string Rule { get; init; }
    /// <summary>EventBusName.</summary>
    public string? EventBusName { get; init; }
    /// <summary>NextToken.</summary>
    public string? NextToken { get; init; }
    /// <summary>Limit (1..100).</summary>
    public int? Limit { get; init; }
}

/// <summary>ListTargetsByRuleResponse.</summary>
public sealed record ListTargetsByRuleResponse
{
    /// <summary>Targets.</summary>
    public IReadOnlyList<Target>? Targets { get; init; }
    /// <summary>NextToken.</summary>
    public string? NextToken { get; init; }
}

/// <summary>Operations whose output shape has no members (DeleteRule).</summary>
public sealed record EmptyResponse;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PutRuleRequest))]
[JsonSerializable(typeof(PutRuleResponse))]
[JsonSerializable(typeof(DescribeRuleRequest))]
[JsonSerializable(typeof(DescribeRuleResponse))]
[JsonSerializable(typeof(DeleteRuleRequest))]
[JsonSerializable(typeof(ListRulesRequest))]
[JsonSerializable(typeof(ListRulesResponse))]
[JsonSerializable(typeof(PutTargetsRequest))]
[JsonSerializable(typeof(TargetsResponse))]
[JsonSerializable(typeof(RemoveTargetsRequest))]
[JsonSerializable(typeof(ListTargetsByRuleRequest))]
[JsonSerializable(typeof(ListTargetsByRuleResponse))]
[JsonSerializable(typeof(EmptyResponse))]
internal sealed partial class EventsJson : JsonSerializerContext;
