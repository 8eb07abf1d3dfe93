using System.Text;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Ports;
using SessionAudit.Reporting.Ports;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>The report's source: DescribeSessions (History and Active, paged) and DescribeInstanceInformation (paged).</summary>
public sealed class SessionActivityAgainstSandboxTests(SandboxFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task History_is_read_across_pages_within_the_window_and_active_sessions_separately()
    {
        var seed = new StringBuilder();
        seed.AppendLine("- name: us-east-1");
        seed.AppendLine("  instances:");
        for (var i = 0; i < 60; i++)
        {
            seed.AppendLine($"    - id: i-{i:x17}");
            seed.AppendLine(i % 2 == 0 ? "      platformType: Linux" : "      platformType: Windows");
            seed.AppendLine("      agentVersion: 3.3.40.0");
        }
        seed.AppendLine("  sessions:");
        for (var i = 0; i < 230; i++)
        {
            seed.AppendLine($"    - target: i-{i % 60:x17}");
            seed.AppendLine($"      owner: user-{i % 7}");
            seed.AppendLine($"      startedDaysAgo: {1 + (i % 20)}");
            seed.AppendLine("      durationMinutes: 12");
        }
        seed.AppendLine("    - target: i-00000000000000000");
        seed.AppendLine("      startedDaysAgo: 25");
        seed.AppendLine("      durationMinutes: 5");
        seed.AppendLine("    - target: i-00000000000000001");
        seed.AppendLine("      startedHoursAgo: 1");
        using var account = fixture.NewAccount(seed.ToString());
        var source = account.Factory.SessionActivity(new AwsScope("us-east-1"));

        var history = await source.GetSessionsAsync(SessionState.History, DateTimeOffset.UtcNow.AddDays(-21), Ct).ToListAsync(Ct);
        var active = await source.GetSessionsAsync(SessionState.Active, DateTimeOffset.UtcNow.AddDays(-21), Ct).ToListAsync(Ct);
        var instances = await source.GetInstancesAsync(Ct).ToListAsync(Ct);

        Assert.Equal(230, history.Count);
        Assert.Equal(230, history.Select(s => s.SessionId).Distinct().Count());
        Assert.All(history, s => Assert.NotNull(s.EndDate));
        Assert.Contains(history, s => s.Owner!.EndsWith("user/user-3", StringComparison.Ordinal));
        var open = Assert.Single(active);
        Assert.Null(open.EndDate);
        Assert.Equal("Connected", open.Status);
        Assert.Equal(60, instances.Count);
        Assert.Equal(30, instances.Count(i => i.PlatformType == "Windows"));
        Assert.All(instances, i => Assert.Equal("3.3.40.0", i.AgentVersion));
        Assert.True(account.Calls.Count(c => c.Operation == "DescribeSessions") >= 3, "230 history sessions need two pages of 200");
        Assert.True(account.Calls.Count(c => c.Operation == "DescribeInstanceInformation") >= 2, "60 instances need two pages of 50");
    }
}
