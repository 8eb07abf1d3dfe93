using System.Text.Json.Nodes;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

/// <summary>What a no-op reconcile reads: one port read per configured concern, and $LATEST only when a write needs it.</summary>
public sealed class ReadEconomyTests
{
    private const string Doc = SessionLoggingPolicySpec.DefaultDocumentName;

    private static List<string> Reads(FakeAws aws) => aws.Calls.Where(c => c.StartsWith("read:", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task No_op_of_bucket_log_group_and_document_reads_those_three_the_groups_key_and_the_trail_once_each()
    {
        var s = new Scenario(spec => spec with { Kms = null, Alerts = null });
        await s.RunAsync();
        s.Aws.ResetCalls();

        var result = await s.RunAsync();

        Assert.Equal(0, s.Aws.Writes);
        Assert.Equal(["read:DescribeBucket", "read:DescribeLogGroups", "read:DescribeKey", "read:DescribeTrails", "read:GetDocument"], Reads(s.Aws));
        Assert.Equal("True", s.Condition(ConditionTypes.Ready).Status);
        Assert.True(result.Plan.IsEmpty, result.Plan.Render());
    }

    [Fact]
    public async Task No_op_of_a_full_spec_reads_each_of_its_concerns_exactly_once_and_each_delivery_permission_and_never_DescribeDocument()
    {
        var s = new Scenario();
        await s.RunAsync();
        s.Aws.ResetCalls();

        await s.RunAsync();

        Assert.Equal(0, s.Aws.Writes);
        Assert.Equal(
            ["read:DescribeBucket", "read:DescribeLogGroups", "read:DescribeKey", "read:DescribeKey", "read:DescribeTrails", "read:GetDocument",
             "read:ListGrants", "read:DescribeRule", "read:ListTargetsByRule", "read:GetTopicAttributes", "read:GetPolicy"],
            Reads(s.Aws));
    }

    [Fact]
    public async Task Latest_ahead_of_a_matching_default_is_a_no_op_that_reads_only_the_default()
    {
        var s = new Scenario();
        await s.RunAsync();
        // An out-of-band UpdateDocument that was never promoted: Session Manager still uses the default, which matches.
        var edited = JsonNode.Parse(s.Aws.DefaultContent(Doc))!;
        edited["inputs"]!["idleSessionTimeout"] = "60";
        s.Aws.Documents[Doc].Add(edited.ToJsonString());
        s.Aws.ResetCalls();

        var result = await s.RunAsync();

        Assert.Equal(0, s.Aws.Writes);
        Assert.DoesNotContain("read:DescribeDocument", s.Aws.Calls);
        Assert.Equal(1, s.Aws.DefaultVersions[Doc]);
        Assert.Equal("1", result.Status.Document!.CurrentVersion);
        Assert.Empty(result.Status.Drift!);
        Assert.Equal("True", s.Condition(ConditionTypes.PreferencesSynced).Status);
    }

    [Fact]
    public async Task Duplicate_content_lists_versions_once_and_reads_only_the_version_named_for_that_content()
    {
        var s = new Scenario();
        await s.RunAsync();
        s.Aws.Documents[Doc].Insert(0, """{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{}}""");
        s.Aws.VersionNames[Doc].Insert(0, null);
        s.Aws.DefaultVersions[Doc] = 1;
        s.Aws.ResetCalls();

        await s.RunAsync();

        Assert.Single(s.Aws.Calls, "read:ListDocumentVersions");
        Assert.Single(s.Aws.Calls, "read:GetDocumentVersion");
        Assert.Equal(
            ["write:UpdateDocument", "write:UpdateDocumentDefaultVersion"],
            s.Aws.Calls.Where(c => c.StartsWith("write:", StringComparison.Ordinal) && c.Contains("Document", StringComparison.Ordinal)));
        Assert.Equal(2, s.Aws.DefaultVersions[Doc]);
    }

    [Theory]
    [InlineData("5m", 150)]
    [InlineData("10m", 300)]
    [InlineData("30s", 15)]
    [InlineData("45s", 22)]
    public async Task A_logging_trail_answer_may_be_reused_for_half_the_drift_interval(string interval, int seconds)
    {
        var s = new Scenario(spec => spec with { DriftCheckInterval = interval });

        await s.RunAsync();

        Assert.Equal([TimeSpan.FromSeconds(seconds)], s.Aws.TrailMaxAges);
        Assert.Contains($"re-checked at least every {Durations.Format(TimeSpan.FromSeconds(seconds))}", s.Condition(ConditionTypes.AuditTrailReady).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trail_that_stops_logging_is_reported_when_the_port_says_so()
    {
        var s = new Scenario();
        await s.RunAsync();
        s.Aws.Trail = new AuditTrailInfo(false, null);

        await s.RunAsync();

        Assert.Equal(("False", "NoLoggingTrail"), (s.Condition(ConditionTypes.AuditTrailReady).Status, s.Condition(ConditionTypes.AuditTrailReady).Reason));
        Assert.Equal("False", s.Condition(ConditionTypes.Ready).Status);
    }
}
