using System.Text.Json.Nodes;
using SessionAudit.Operator.Sandbox;
using SessionAudit.Sandbox.Aws;

namespace SessionAudit.Testing.Harness;

/// <summary>
/// What end-to-end scenarios about SessionLoggingPolicies need on top of <see cref="TestWorld"/>: apply and read policies
/// with kubectl, wait on their conditions, read AWS back with the AWS CLI as a second identity (so its calls are never
/// mistaken for the operator's), and pick the operator's own calls out of the sandbox log.
/// </summary>
public static class PolicyWorld
{
    /// <summary>A second access key in the operator's account: a person using the AWS CLI next to the operator.</summary>
    public const string PersonAccessKeyId = "AKIATESTPERSON000000";

    public const string PersonArn = "arn:aws:iam::" + SandboxWorld.Account + ":user/test-person";

    /// <summary>Lets <see cref="PersonCliAsync"/> authenticate: maps <see cref="PersonAccessKeyId"/> to <see cref="PersonArn"/>.</summary>
    public static void AddPerson(this TestWorld world) =>
        world.Aws.ApplySeed($"accessKeys:\n  {PersonAccessKeyId}: \"{PersonArn}\"\n");

    /// <summary>The real AWS CLI as <see cref="PersonArn"/> (call <see cref="AddPerson"/> once first); JSON output.</summary>
    public static async Task<ProcessResult> PersonCliAsync(this TestWorld world, IEnumerable<string> args, bool check = true, string? region = null, CancellationToken ct = default)
    {
        var env = new Dictionary<string, string?>(world.AwsEnvironment)
        {
            ["AWS_ACCESS_KEY_ID"] = PersonAccessKeyId,
        };
        if (region is not null)
        {
            env["AWS_REGION"] = region;
            env["AWS_DEFAULT_REGION"] = region;
        }

        var all = new List<string> { "--endpoint-url", world.Aws.Url.ToString().TrimEnd('/'), "--output", "json" };
        all.AddRange(args);
        var result = await Tool.RunAsync(Tools.AwsCli, all, env, ct: ct);
        return check ? result.EnsureSuccess("aws " + string.Join(' ', args)) : result;
    }

    /// <summary>Same as <see cref="PersonCliAsync"/>, parsed as JSON (null for empty output).</summary>
    public static async Task<JsonNode?> PersonJsonAsync(this TestWorld world, IEnumerable<string> args, string? region = null, CancellationToken ct = default)
    {
        var result = await world.PersonCliAsync(args, region: region, ct: ct);
        return string.IsNullOrWhiteSpace(result.StdOut) ? null : JsonNode.Parse(result.StdOut);
    }

    /// <summary>The calls the operator made (its access key, or credentials it got from STS with it).</summary>
    public static IReadOnlyList<AwsCallRecord> OperatorCalls(this TestWorld world) =>
        world.Aws.CallLog.Where(c => c.AccessKeyId != PersonAccessKeyId && c.CallerArn != PersonArn).ToList();

    /// <summary>The write calls the operator made since <paramref name="since"/>.</summary>
    public static IReadOnlyList<AwsCallRecord> OperatorWritesSince(this TestWorld world, DateTimeOffset since) =>
        world.OperatorCalls().Where(c => c.IsWrite && c.Time >= since).ToList();

    /// <summary>kubectl apply -f - with <paramref name="yaml"/>.</summary>
    public static Task<ProcessResult> ApplyAsync(this TestWorld world, string yaml, bool check = true, CancellationToken ct = default) =>
        world.KubectlAsync(["apply", "-f", "-"], yaml, check, ct);

    /// <summary>The policy as kubectl reads it (-o json), or null when it does not exist.</summary>
    public static async Task<JsonObject?> GetPolicyAsync(this TestWorld world, string name, CancellationToken ct = default)
    {
        var result = await world.KubectlAsync(["get", "slp", name, "-o", "json"], check: false, ct: ct);
        if (result.ExitCode != 0)
        {
            return result.StdErr.Contains("NotFound", StringComparison.Ordinal)
                ? null
                : throw new InvalidOperationException($"kubectl get slp {name} failed: {result.StdErr}");
        }

        return JsonNode.Parse(result.StdOut)!.AsObject();
    }

    /// <summary>One condition of a policy object, or null.</summary>
    public static JsonObject? Condition(JsonObject? policy, string type) =>
        policy?["status"]?["conditions"]?.AsArray().OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    /// <summary>Waits until condition <paramref name="type"/> has <paramref name="status"/> (and <paramref name="reason"/> when given)
    /// for the policy's current generation; returns the policy.</summary>
    public static Task<JsonObject?> WaitForConditionAsync(
        this TestWorld world, string name, string type, string status, string? reason = null, TimeSpan? timeout = null, CancellationToken ct = default) =>
        Eventually.WaitAsync(
            () => world.GetPolicyAsync(name, ct),
            p =>
            {
                var c = Condition(p, type);
                return c is not null
                    && (string?)c["status"] == status
                    && (reason is null || (string?)c["reason"] == reason)
                    && (long?)p!["status"]?["observedGeneration"] == (long?)p["metadata"]?["generation"];
            },
            timeout ?? TimeSpan.FromSeconds(45),
            $"slp/{name} {type}={status}{(reason is null ? "" : " " + reason)}",
            ct);

    /// <summary>kubectl wait --for=condition=Ready slp/NAME, as a user would.</summary>
    public static Task<ProcessResult> KubectlWaitReadyAsync(this TestWorld world, string name, string timeout = "60s", CancellationToken ct = default) =>
        world.KubectlAsync(["wait", "--for=condition=Ready", "slp/" + name, "--timeout=" + timeout], ct: ct);

    /// <summary>The JSON content of the default version of an SSM document, read with the AWS CLI as the person.</summary>
    public static async Task<JsonObject> DocumentContentAsync(this TestWorld world, string documentName, string? region = null, CancellationToken ct = default)
    {
        var doc = await world.PersonJsonAsync(["ssm", "get-document", "--name", documentName], region, ct);
        return JsonNode.Parse((string)doc!["Content"]!)!.AsObject();
    }

    /// <summary>The Kubernetes Events about a policy (reason, type, message), read with kubectl.</summary>
    public static async Task<IReadOnlyList<(string Reason, string Type, string Message)>> PolicyEventsAsync(this TestWorld world, string name, CancellationToken ct = default)
    {
        var result = await world.KubectlAsync(["get", "events", "--all-namespaces", "--field-selector", "involvedObject.name=" + name, "-o", "json"], ct: ct);
        return JsonNode.Parse(result.StdOut)!["items"]!.AsArray().OfType<JsonObject>()
            .Where(e => (string?)e["involvedObject"]?["kind"] == "SessionLoggingPolicy")
            .Select(e => ((string?)e["reason"] ?? "", (string?)e["type"] ?? "", (string?)e["message"] ?? ""))
            .ToList();
    }

    /// <summary>Waits until the operator has called <paramref name="operation"/> at least <paramref name="count"/> times since
    /// <paramref name="since"/>: the sign that it made that many passes over a concern (status is not rewritten when nothing changed).</summary>
    public static Task<IReadOnlyList<AwsCallRecord>> WaitForOperatorCallsAsync(
        this TestWorld world, string operation, int count, DateTimeOffset since, TimeSpan? timeout = null, CancellationToken ct = default) =>
        Eventually.WaitAsync(
            () => Task.FromResult<IReadOnlyList<AwsCallRecord>>(world.OperatorCalls().Where(c => c.Time >= since && c.Operation == operation).ToList()),
            calls => calls.Count >= count,
            timeout ?? TimeSpan.FromSeconds(45),
            $"{count} operator {operation} call(s)",
            ct);

    /// <summary>The operator's reports listener from its REPORTS= line (loopback only).</summary>
    public static async Task<string> ReportsUrlAsync(this OperatorProcess process, CancellationToken ct = default) =>
        (await process.WaitForLineAsync("REPORTS=", TimeSpan.FromSeconds(5), ct)).Trim().TrimEnd('/');

    /// <summary>The operator's HTTP address from its HTTP= line, with a wildcard bind address turned into loopback.</summary>
    public static async Task<string> HttpUrlAsync(this OperatorProcess process, CancellationToken ct = default)
    {
        var url = (await process.WaitForLineAsync("HTTP=", TimeSpan.FromSeconds(5), ct)).Trim().TrimEnd('/');
        return url.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)
            .Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal);
    }
}
