using SessionAudit.Sandbox.Aws;
using SessionAudit.Testing.Harness;
using Xunit;
using static SessionAudit.Faults.Tests.Support.FaultWorld;

namespace SessionAudit.Faults.Tests;

/// <summary>AWS answering with throttling and server errors: every policy still converges, and no create is repeated.</summary>
public sealed class AwsFaultTests
{
    private static readonly string[] Services = ["ssm", "kms", "events", "s3", "logs", "cloudtrail", "sns", "sts"];

    [Fact]
    public async Task Throttling_and_5xx_bursts_delay_convergence_but_lose_and_duplicate_nothing()
    {
        await using var world = await StartAsync();
        foreach (var s in Services)
        {
            world.Aws.Faults.Set(s, null, new AwsFault { ThrottleShare = 0.3, ServerErrorShare = 0.1 });
        }

        await using var op = await world.StartOperatorAsync("10m", ct: Ct);
        string[] names = ["aws-fault-a", "aws-fault-b", "aws-fault-c"];
        await ApplyAsync(world, [.. names.Select(n => NewPolicy(n))]);

        // Every operation saw its faults while the policies converged.
        await Eventually.WaitAsync(
            () => Task.FromResult(world.OperatorCalls().Count(c => c.Throttled || c.Status >= 500)),
            n => n >= 5,
            TimeSpan.FromSeconds(60),
            "throttled or failed AWS answers",
            Ct);
        foreach (var n in names)
        {
            await world.WaitForConditionAsync(n, "Ready", "True", timeout: TimeSpan.FromSeconds(120), ct: Ct);
        }

        world.Aws.Faults.Clear();
        await AssertAwsMatchesAsync(world, names.ToDictionary(n => n, _ => 20));

        // Each create succeeded exactly once: a throttled or failed attempt never reached AWS's state, and none was repeated.
        Assert.Equal(names.Length, Succeeded(world, "CreateDocument"));
        Assert.Equal(names.Length * Grantees.Length, Succeeded(world, "CreateGrant"));
        Assert.Equal(0, Succeeded(world, "RetireGrant") + Succeeded(world, "RevokeGrant") + Succeeded(world, "RemoveTargets"));
        Assert.True(world.OperatorCalls().Count(c => c.Throttled) > 0, "no call was throttled: the fault was not exercised");
        AssertAlive(op);
    }
}
