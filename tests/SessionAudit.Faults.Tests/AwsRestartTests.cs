using System.Text.Json.Nodes;
using SessionAudit.Operator.Sandbox;
using SessionAudit.Sandbox.Aws;
using SessionAudit.Testing.Harness;
using Xunit;
using static SessionAudit.Faults.Tests.Support.FaultWorld;

namespace SessionAudit.Faults.Tests;

/// <summary>The AWS stand-in restarted with its state kept (StateFile): the operator rides out the outage and finds
/// everything it made, so it re-creates nothing and writes only the change made meanwhile.</summary>
public sealed class AwsRestartTests
{
    [Fact]
    public async Task Aws_restarted_with_state_kept_recreates_nothing_and_applies_the_change_made_meanwhile()
    {
        await using var world = await StartAsync();
        var stateFile = Path.Combine(world.Directory, "aws-state.json");
        var options = new AwsSandboxOptions
        {
            StateFile = stateFile,
            AccessKeyAccounts = new Dictionary<string, string>
            {
                [SandboxWorld.AccessKeyId] = SandboxWorld.Account,
                [PolicyWorld.PersonAccessKeyId] = PolicyWorld.PersonArn,
            },
        };
        var aws = await AwsSandbox.StartAsync(options, Ct);
        AwsSandbox? restarted = null;
        try
        {
            aws.ApplySeed(Seed);
            var endpoint = aws.Url.ToString().TrimEnd('/');
            await using var op = await world.StartOperatorAsync("5s", extraEnv: new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = endpoint }, ct: Ct);
            string[] names = ["restart-a", "restart-b"];
            await ApplyAsync(world, [.. names.Select(n => NewPolicy(n))]);
            foreach (var n in names)
            {
                await world.WaitForConditionAsync(n, "Ready", "True", timeout: TimeSpan.FromSeconds(90), ct: Ct);
            }

            await AssertAwsMatchesAsync(world, names.ToDictionary(n => n, _ => 20), args => Cli(endpoint, args));

            // Stop (state saved), change a policy while AWS is away, start again on the same port from the saved state.
            await aws.DisposeAsync();
            await ApplyAsync(world, NewPolicy("restart-a", 27));
            restarted = await AwsSandbox.StartAsync(options with { Port = aws.Url.Port }, Ct);
            await world.WaitForConditionAsync("restart-a", "Ready", "True", timeout: TimeSpan.FromSeconds(90), ct: Ct);

            // Both policies are drift-checked against the restarted AWS (resync 5 s) before the log is judged.
            await Eventually.WaitAsync(
                () => Task.FromResult(restarted.CallLog.Count(c => c.Operation == "GetDocument" && c.Succeeded)),
                n => n >= 3,
                TimeSpan.FromSeconds(60),
                "drift checks against the restarted AWS",
                Ct);
            await AssertAwsMatchesAsync(world, new Dictionary<string, int> { ["restart-a"] = 27, ["restart-b"] = 20 }, args => Cli(endpoint, args));

            var writes = restarted.CallLog.Where(c => c.IsWrite && c.Succeeded && c.AccessKeyId != PolicyWorld.PersonAccessKeyId).Select(c => c.Operation).ToList();
            Assert.DoesNotContain("CreateDocument", writes);
            Assert.DoesNotContain("CreateGrant", writes);
            Assert.DoesNotContain("PutTargets", writes);
            Assert.Equal(["UpdateDocument", "UpdateDocumentDefaultVersion"], writes.Order(StringComparer.Ordinal));
            AssertAlive(op);
        }
        finally
        {
            await aws.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    /// <summary>The AWS CLI as the person, against the stand-in this test runs.</summary>
    private static async Task<JsonNode?> Cli(string endpoint, IEnumerable<string> args)
    {
        var env = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = PolicyWorld.PersonAccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = SandboxWorld.SecretAccessKey,
            ["AWS_REGION"] = Region,
            ["AWS_DEFAULT_REGION"] = Region,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_PAGER"] = "",
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        };
        var all = new List<string> { "--endpoint-url", endpoint, "--output", "json" };
        all.AddRange(args);
        var result = (await Tool.RunAsync(Tools.AwsCli, all, env, ct: Ct)).EnsureSuccess("aws " + string.Join(' ', args));
        return string.IsNullOrWhiteSpace(result.StdOut) ? null : JsonNode.Parse(result.StdOut);
    }
}
