using System.Text.Json.Nodes;
using CsCheck;
using SessionAudit.Testing.Harness;
using Xunit;
using static SessionAudit.Faults.Tests.Support.FaultWorld;

namespace SessionAudit.Faults.Tests;

/// <summary>
/// Random specs, valid and invalid, sent through the API server as a user would. Whatever the API server accepts,
/// the operator survives; every accepted policy ends with a Ready condition that has a reason; the invalid ones say
/// InvalidSpec and cause no AWS write: the only writes are the one CreateDocument of each valid Enforce policy.
/// </summary>
public sealed class BadInputPropertyTests
{
    /// <summary>A generated spec and the ways it was broken (none: valid).</summary>
    public sealed record SpecCase(JsonObject Spec, IReadOnlyList<string> Breakers)
    {
        public bool Valid => Breakers.Count == 0;

        public override string ToString() => (Valid ? "valid " : "invalid [" + string.Join(", ", Breakers) + "] ") + Spec.ToJsonString();
    }

    private static readonly Gen<JsonObject> ValidSpec =
        Gen.Select(
            Gen.OneOf("us-east-1", "eu-west-1"),
            Gen.OneOf<string?>(null, "faults-logs", "bucket-that-does-not-exist"),
            Gen.Int[1, 60],
            Gen.Bool,
            Gen.OneOf("30s", "5m", "1h", "1h30m"),
            Gen.OneOf("Enforce", "Enforce", "Observe"),
            (region, bucket, idle, cloudWatch, drift, mode) =>
            {
                var spec = new JsonObject
                {
                    ["region"] = region,
                    ["session"] = new JsonObject { ["idleTimeoutMinutes"] = idle },
                    ["driftCheckInterval"] = drift,
                    ["mode"] = mode,
                };
                if (bucket is not null)
                {
                    spec["s3"] = new JsonObject { ["bucketName"] = bucket, ["encryptionRequired"] = false };
                }

                if (cloudWatch)
                {
                    spec["cloudWatch"] = new JsonObject { ["logGroupName"] = "/faults/sessions", ["encryptionRequired"] = false };
                }

                return spec;
            });

    /// <summary>Ways to make a spec invalid, each one POLICY.md calls invalid (by the schema, CEL, or the reconciler's own checks).</summary>
    private static readonly (string Name, Action<JsonObject> Break)[] Breakers =
    [
        ("region not a region", s => s["region"] = "moon-base-1"),
        ("region upper case", s => s["region"] = "US-EAST-1"),
        ("documentName too short", s => s["documentName"] = "ab"),
        ("documentName bad characters", s => s["documentName"] = "bad name!"),
        ("bucket with underscore", s => s["s3"] = new JsonObject { ["bucketName"] = "Bad_Bucket" }),
        ("bucket as IP address", s => s["s3"] = new JsonObject { ["bucketName"] = "192.168.1.1" }),
        ("bucket with double dots", s => s["s3"] = new JsonObject { ["bucketName"] = "logs..bucket" }),
        ("key prefix with leading slash", s => s["s3"] = new JsonObject { ["bucketName"] = "faults-logs", ["keyPrefix"] = "/sessions" }),
        ("encryptionRequired without bucket", s => s["s3"] = new JsonObject { ["encryptionRequired"] = true }),
        ("idle timeout 0", s => s["session"] = new JsonObject { ["idleTimeoutMinutes"] = 0 }),
        ("idle timeout 61", s => s["session"] = new JsonObject { ["idleTimeoutMinutes"] = 61 }),
        ("idle timeout as text", s => s["session"] = new JsonObject { ["idleTimeoutMinutes"] = "twenty" }),
        ("max duration 1441", s => s["session"] = new JsonObject { ["maxDurationMinutes"] = 1441 }),
        ("runAs user without enabled", s => s["session"] = new JsonObject { ["runAs"] = new JsonObject { ["enabled"] = false, ["defaultUser"] = "bob" } }),
        ("kms key id malformed", s => s["kms"] = new JsonObject { ["keyId"] = "not a key!!" }),
        ("kms key ARN in another region", s => s["kms"] = new JsonObject { ["keyId"] = "arn:aws:kms:ap-south-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }),
        ("kms grantees duplicated ignoring case", s => s["kms"] = new JsonObject
        {
            ["keyId"] = KeyAlias,
            ["grantees"] = new JsonArray("arn:aws:iam::111122223333:role/Ec2", "arn:aws:iam::111122223333:role/EC2"),
        }),
        ("kms grantee not an ARN", s => s["kms"] = new JsonObject { ["keyId"] = KeyAlias, ["grantees"] = new JsonArray("everyone") }),
        ("sns topic in another region", s => s["alerts"] = new JsonObject { ["snsTopicArns"] = new JsonArray("arn:aws:sns:ap-south-1:111122223333:t") }),
        ("six alert targets", s => s["alerts"] = new JsonObject
        {
            ["snsTopicArns"] = new JsonArray([.. Enumerable.Range(1, 6).Select(i => (JsonNode)$"arn:aws:sns:{(string)s["region"]!}:111122223333:t{i}")]),
        }),
        ("alert event unknown", s => s["alerts"] = new JsonObject { ["events"] = new JsonArray("LaunchSession"), ["snsTopicArns"] = new JsonArray(TopicArn) }),
        ("drift interval too short", s => s["driftCheckInterval"] = "10s"),
        ("drift interval in days", s => s["driftCheckInterval"] = "2d"),
        ("mode unknown", s => s["mode"] = "Strict"),
        ("externalId without roleArn", s => s["externalId"] = "abc-123"),
        ("roleArn malformed", s => s["roleArn"] = "arn:aws:iam::123:role/x"),
    ];

    private static readonly Gen<SpecCase> Case =
        Gen.Select(ValidSpec, Gen.Int[0, Breakers.Length - 1].Array[0, 2], (spec, picks) =>
        {
            var used = picks.Distinct().Select(i => Breakers[i]).ToList();
            foreach (var (_, apply) in used)
            {
                apply(spec);
            }

            return new SpecCase(spec, [.. used.Select(b => b.Name)]);
        });

    [Fact]
    public async Task Random_specs_never_crash_the_operator_and_invalid_ones_end_with_a_reason_and_no_AWS_write()
    {
        await using var world = await StartAsync();
        await using var op = await world.StartOperatorAsync("10m", ct: Ct);
        using var http = world.Kubernetes.CreateHttpClient();
        var counter = 0;

        // Each sample is a batch applied at once; three batches of twelve keep the whole run near a minute.
        await Case.Array[12].SampleAsync(
            async batch =>
            {
                world.Aws.ClearCallLog();
                var accepted = new Dictionary<string, SpecCase>();
                foreach (var c in batch)
                {
                    var name = $"random-{Interlocked.Increment(ref counter):D3}";
                    var spec = c.Spec.DeepClone().AsObject();
                    spec["documentName"] ??= "Random-" + name;
                    var policy = new JsonObject
                    {
                        ["apiVersion"] = "sessionaudit.io/v1alpha1",
                        ["kind"] = "SessionLoggingPolicy",
                        ["metadata"] = new JsonObject { ["name"] = name },
                        ["spec"] = spec,
                    };
                    var status = await CreateOverHttpAsync(http, policy);
                    Assert.True(status is 201 or 422 or 400, $"{name}: the API server answered {status} to {c}");
                    Assert.True(status == 201 || !c.Valid, $"{name}: the API server rejected a valid spec ({status}): {c}");
                    if (status == 201)
                    {
                        accepted[name] = c with { Spec = spec };
                    }
                }

                var final = await Eventually.WaitAsync(
                    () => ListAsync(http),
                    all => accepted.Keys.All(n => Ready(all.GetValueOrDefault(n)) is not null),
                    TimeSpan.FromSeconds(90),
                    "a Ready condition at the current generation on every accepted policy",
                    Ct);
                FaultWorldAlive(op);

                foreach (var (name, c) in accepted)
                {
                    var ready = Ready(final[name])!;
                    Assert.False(string.IsNullOrEmpty((string?)ready["reason"]), $"{name}: Ready has no reason: {ready.ToJsonString()}");
                    if (!c.Valid)
                    {
                        Assert.True((string?)ready["status"] == "False" && (string?)ready["reason"] == "InvalidSpec", $"{name}: expected Ready=False InvalidSpec for {c}, got {ready.ToJsonString()}");
                    }
                }

                // The only AWS writes: one CreateDocument for each valid policy in Enforce mode; none for the invalid.
                var writes = world.OperatorCalls().Where(x => x.IsWrite).ToList();
                var expected = accepted.Values.Count(c => c.Valid && (string?)c.Spec["mode"] != "Observe");
                Assert.All(writes, w => Assert.Equal("CreateDocument", w.Operation));
                Assert.Equal(expected, writes.Count(w => w.Succeeded));
            },
            iter: 3,
            threads: 1,
            print: b => string.Join("\n", b.Select(c => c.ToString())));
    }

    private static void FaultWorldAlive(OperatorProcess op) => AssertAlive(op);

    /// <summary>The Ready condition, when the status describes the current generation.</summary>
    private static JsonObject? Ready(JsonObject? policy)
    {
        if (policy is null || (long?)policy["status"]?["observedGeneration"] != (long?)policy["metadata"]?["generation"])
        {
            return null;
        }

        return PolicyWorld.Condition(policy, "Ready");
    }
}
