using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.Faults.Tests.Support;

/// <summary>
/// What every fault test shares: one AWS world (a bucket, an encrypted log group, a customer-managed key, a trail, an SNS
/// topic), policies that touch every concern that writes (document, two KMS grants, an alert rule with one target), and
/// the check that AWS ends exactly as the policies say: nothing lost, nothing duplicated.
/// </summary>
public static class FaultWorld
{
    public const string Region = "us-east-1";
    public const string KeyAlias = "alias/faults-key";
    public const string TopicArn = "arn:aws:sns:us-east-1:111122223333:faults-alerts";

    public static readonly string[] Grantees =
    [
        "arn:aws:iam::111122223333:role/ec2-ssm-a",
        "arn:aws:iam::111122223333:role/ec2-ssm-b",
    ];

    public const string Seed = """
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                keys:
                  - alias: alias/faults-key
                    description: session data key
                buckets:
                  - {name: faults-logs, encryption: AES256}
                logGroups:
                  - {name: /faults/sessions, kmsKey: alias/faults-key}
                trails:
                  - {name: faults-trail, bucket: faults-logs, logging: true}
                topics:
                  - name: faults-alerts
        """;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Document(string policy) => "Faults-" + policy;

    /// <summary>A policy that writes in every concern: its own document, two grants, a rule with one SNS target.</summary>
    public static JsonObject NewPolicy(string name, int idleTimeoutMinutes = 20) => new()
    {
        ["apiVersion"] = "sessionaudit.io/v1alpha1",
        ["kind"] = "SessionLoggingPolicy",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["region"] = Region,
            ["documentName"] = Document(name),
            ["s3"] = new JsonObject { ["bucketName"] = "faults-logs", ["keyPrefix"] = name + "/" },
            ["cloudWatch"] = new JsonObject { ["logGroupName"] = "/faults/sessions" },
            ["kms"] = new JsonObject { ["keyId"] = KeyAlias, ["grantees"] = new JsonArray([.. Grantees.Select(g => (JsonNode)g)]) },
            ["alerts"] = new JsonObject { ["snsTopicArns"] = new JsonArray(TopicArn) },
            ["session"] = new JsonObject { ["idleTimeoutMinutes"] = idleTimeoutMinutes },
        },
    };

    /// <summary>A world with the fault seed, the CRD, and a person who reads AWS back with the AWS CLI.</summary>
    public static async Task<TestWorld> StartAsync()
    {
        var world = await TestWorld.StartAsync(Seed, installCrd: true, Ct);
        world.AddPerson();
        return world;
    }

    /// <summary>Creates or updates policies with kubectl apply, one call per policy, all at once. (One call with a v1
    /// List fails client-side validation against the sandbox's OpenAPI document; see the report.)</summary>
    public static Task ApplyAsync(TestWorld world, params JsonObject[] policies) =>
        Task.WhenAll(policies.Select(p => world.ApplyAsync(p.ToJsonString(), ct: Ct)));

    /// <summary>Waits until every policy is Ready at its current generation and AWS holds exactly what each asks for.</summary>
    public static async Task AssertConvergedAsync(TestWorld world, IReadOnlyDictionary<string, int> idleTimeoutByPolicy, TimeSpan? timeout = null)
    {
        foreach (var name in idleTimeoutByPolicy.Keys)
        {
            await world.WaitForConditionAsync(name, "Ready", "True", timeout: timeout ?? TimeSpan.FromSeconds(90), ct: Ct);
        }

        await AssertAwsMatchesAsync(world, idleTimeoutByPolicy);
    }

    /// <summary>AWS read back as a person: each document holds the policy's timeout; each policy has exactly one grant per
    /// grantee (by its grant name) and exactly one target on its rule.</summary>
    public static async Task AssertAwsMatchesAsync(TestWorld world, IReadOnlyDictionary<string, int> idleTimeoutByPolicy, Func<IEnumerable<string>, Task<JsonNode?>>? aws = null)
    {
        aws ??= args => world.PersonJsonAsync(args, ct: Ct);
        var key = (string)(await aws(["kms", "describe-key", "--key-id", KeyAlias]))!["KeyMetadata"]!["KeyId"]!;
        var grants = (await aws(["kms", "list-grants", "--key-id", key]))!["Grants"]!.AsArray().OfType<JsonObject>().ToList();
        foreach (var (name, timeout) in idleTimeoutByPolicy)
        {
            var content = JsonNode.Parse((string)(await aws(["ssm", "get-document", "--name", Document(name)]))!["Content"]!)!;
            Assert.Equal(timeout.ToString(CultureInfo.InvariantCulture), (string?)content["inputs"]?["idleSessionTimeout"]);

            var ours = grants.Where(g => ((string?)g["Name"])?.StartsWith("session-audit-" + name + "-", StringComparison.Ordinal) == true).ToList();
            Assert.Equal(Grantees.Order(StringComparer.Ordinal), ours.Select(g => (string)g["GranteePrincipal"]!).Order(StringComparer.Ordinal));

            var targets = (await aws(["events", "list-targets-by-rule", "--rule", "session-audit-" + name]))!["Targets"]!.AsArray();
            var target = Assert.Single(targets);
            Assert.Equal(TopicArn, (string?)target!["Arn"]);
        }
    }

    /// <summary>Successful calls of one operation the operator made (throttled and failed attempts excluded).</summary>
    public static int Succeeded(TestWorld world, string operation) =>
        world.OperatorCalls().Count(c => c.Operation == operation && c.Succeeded);

    /// <summary>Writes policies over HTTP as the administrator; returns the HTTP status of each create.</summary>
    public static async Task<int> CreateOverHttpAsync(HttpClient http, JsonObject policy)
    {
        using var content = new StringContent(policy.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("apis/sessionaudit.io/v1alpha1/sessionloggingpolicies", content, Ct);
        return (int)response.StatusCode;
    }

    /// <summary>Every policy as the API serves it, by name.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonObject>> ListAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("apis/sessionaudit.io/v1alpha1/sessionloggingpolicies", Ct);
        return JsonNode.Parse(text)!["items"]!.AsArray().OfType<JsonObject>().ToDictionary(o => (string)o["metadata"]!["name"]!);
    }

    /// <summary>Fails when the operator process died or logged an unhandled exception.</summary>
    public static void AssertAlive(OperatorProcess op)
    {
        Assert.False(op.HasExited, "the operator exited:\n" + string.Join('\n', op.Output.TakeLast(40)));
        Assert.DoesNotContain(op.Output, l => l.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    /// <summary>Runs <paramref name="fault"/> every <paramref name="period"/> until disposed.</summary>
    public static IAsyncDisposable Repeat(TimeSpan period, Action fault)
    {
        var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(period);
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                fault();
            }
        });
        return new Repeating(stop, loop);
    }

    private sealed class Repeating(CancellationTokenSource stop, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }

            stop.Dispose();
        }
    }
}
