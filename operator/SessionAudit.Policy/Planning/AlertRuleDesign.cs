using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Policy.Planning;

/// <summary>A desired EventBridge target and what must exist before it is put.</summary>
/// <param name="Target">The target as PutTargets writes it.</param>
/// <param name="Kind">Which existence check applies; null for Run Command (the document is checked by EventBridge).</param>
/// <param name="SpecPath">Where in the spec the target comes from.</param>
public sealed record DesiredTarget(EventTarget Target, AlertTargetKind? Kind, string SpecPath);

/// <summary>The desired session activity rule: pattern of AWS-FACTS.md restricted to the chosen events, and its targets.</summary>
public static class AlertRuleDesign
{
    /// <summary>The rule's event pattern.</summary>
    public static string Pattern(AlertsSpec alerts)
    {
        var chosen = alerts.Events is { Count: > 0 } e ? e : SessionEventNames.All;
        var names = SessionEventNames.All.Where(chosen.Contains).Select(n => (JsonNode?)n).ToArray();
        var pattern = new JsonObject
        {
            ["source"] = new JsonArray("aws.ssm"),
            ["detail-type"] = new JsonArray("AWS API Call via CloudTrail"),
            ["detail"] = new JsonObject
            {
                ["eventSource"] = new JsonArray("ssm.amazonaws.com"),
                ["eventName"] = new JsonArray(names),
            },
        };
        return pattern.ToJsonString();
    }

    /// <summary>True when two event patterns mean the same (parsed; array order ignored).</summary>
    public static bool SamePattern(string? a, string? b)
    {
        try
        {
            return a is not null && b is not null && JsonNode.DeepEquals(Normalize(JsonNode.Parse(a)), Normalize(JsonNode.Parse(b)));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>True when a Run Command document needs the account id in its ARN (customer-owned, given by name).</summary>
    public static bool NeedsAccount(AlertsSpec alerts) =>
        alerts.RunCommands?.Any(r => r is not null && !r.DocumentName.StartsWith("arn:", StringComparison.Ordinal) && !r.DocumentName.StartsWith("AWS-", StringComparison.Ordinal)) == true;

    /// <summary>The desired targets; <paramref name="account"/> is needed only when <see cref="NeedsAccount"/>.</summary>
    public static IReadOnlyList<DesiredTarget> Targets(AlertsSpec alerts, string region, string? account)
    {
        var partition = Arn.PartitionOf(region);
        var targets = new List<DesiredTarget>();
        var sns = alerts.SnsTopicArns ?? [];
        for (var i = 0; i < sns.Count; i++)
        {
            targets.Add(new(new EventTarget(ResourceNames.TargetId("sns", sns[i]), sns[i]), AlertTargetKind.SnsTopic, $"spec.alerts.snsTopicArns[{i}]"));
        }

        var lambdas = alerts.LambdaFunctionArns ?? [];
        for (var i = 0; i < lambdas.Count; i++)
        {
            targets.Add(new(new EventTarget(ResourceNames.TargetId("lambda", lambdas[i]), lambdas[i]), AlertTargetKind.LambdaFunction, $"spec.alerts.lambdaFunctionArns[{i}]"));
        }

        var pipelines = alerts.CodePipelines ?? [];
        for (var i = 0; i < pipelines.Count; i++)
        {
            var p = pipelines[i];
            targets.Add(new(new EventTarget(ResourceNames.TargetId("pipeline", p.Arn), p.Arn, p.RoleArn), AlertTargetKind.CodePipeline, $"spec.alerts.codePipelines[{i}]"));
        }

        var runs = alerts.RunCommands ?? [];
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            var arn = r.DocumentName.StartsWith("arn:", StringComparison.Ordinal)
                ? r.DocumentName
                : $"arn:{partition}:ssm:{region}:{(r.DocumentName.StartsWith("AWS-", StringComparison.Ordinal) ? "" : account)}:document/{r.DocumentName}";
            var selection = r.Targets.Select(t => new RunCommandTarget(t.Key, t.Values.ToArray())).ToArray();
            var identity = arn + "|" + string.Join(";", selection.Select(t => t.Key + "=" + string.Join(",", t.Values)));
            targets.Add(new(new EventTarget(ResourceNames.TargetId("run", identity), arn, r.RoleArn, selection, Input(r.Parameters)), null, $"spec.alerts.runCommands[{i}]"));
        }

        return targets;
    }

    /// <summary>A Run Command target's Input: the document parameters as a JSON object of string lists, names in
    /// ordinal order (EventBridge passes it to SendCommand as Parameters); null without parameters.</summary>
    public static string? Input(IReadOnlyDictionary<string, IReadOnlyList<string>>? parameters)
    {
        if (parameters is not { Count: > 0 })
        {
            return null;
        }

        var input = new JsonObject();
        foreach (var (name, values) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            input[name] = new JsonArray((values ?? []).Select(v => (JsonNode?)v).ToArray());
        }

        return input.ToJsonString();
    }

    /// <summary>True when AWS's target equals the desired one in every field PutTargets writes.</summary>
    public static bool SameTarget(EventTarget desired, EventTarget actual) =>
        desired.Id == actual.Id && desired.Arn == actual.Arn && (desired.RoleArn ?? "") == (actual.RoleArn ?? "")
        && SameRunCommandTargets(desired.RunCommandTargets, actual.RunCommandTargets)
        && SameInput(desired.Input, actual.Input);

    private static bool SameInput(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool SameRunCommandTargets(IReadOnlyList<RunCommandTarget>? a, IReadOnlyList<RunCommandTarget>? b)
    {
        a ??= [];
        b ??= [];
        return a.Count == b.Count && a.Zip(b).All(p => p.First.Key == p.Second.Key && p.First.Values.SequenceEqual(p.Second.Values));
    }

    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Normalize(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Normalize).OrderBy(n => n?.ToJsonString(), StringComparer.Ordinal).ToArray()),
        _ => node?.DeepClone(),
    };
}
