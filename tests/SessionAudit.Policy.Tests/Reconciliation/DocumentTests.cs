using System.Text.Json.Nodes;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

public sealed class DocumentTests
{
    private const string Doc = SessionLoggingPolicySpec.DefaultDocumentName;

    [Fact]
    public async Task Missing_document_is_created_with_real_booleans_and_every_input()
    {
        var s = new Scenario();
        var result = await s.RunAsync();

        var content = JsonNode.Parse(s.Aws.DefaultContent(Doc))!;
        Assert.Equal("1.0", content["schemaVersion"]!.GetValue<string>());
        Assert.Equal("Standard_Stream", content["sessionType"]!.GetValue<string>());
        var inputs = content["inputs"]!;
        Assert.Equal(Scenario.Bucket, inputs["s3BucketName"]!.GetValue<string>());
        Assert.Equal("sessions/", inputs["s3KeyPrefix"]!.GetValue<string>());
        Assert.True(inputs["s3EncryptionEnabled"]!.GetValue<bool>());
        Assert.True(inputs["cloudWatchStreamingEnabled"]!.GetValue<bool>());
        Assert.True(inputs["runAsEnabled"]!.GetValue<bool>());
        Assert.Equal("15", inputs["idleSessionTimeout"]!.GetValue<string>());
        Assert.Equal("120", inputs["maxSessionDuration"]!.GetValue<string>());
        Assert.Equal("alias/session-manager", inputs["kmsKeyId"]!.GetValue<string>());
        Assert.Equal("exec bash -l", inputs["shellProfile"]!["linux"]!.GetValue<string>());
        Assert.Contains(result.Events, e => e.Reason == "DocumentCreated");
        Assert.Equal("True", s.Condition(ConditionTypes.PreferencesSynced).Status);
        Assert.Equal("True", s.Condition(ConditionTypes.Ready).Status);
        Assert.Equal("", result.Status.Document!.VersionBeforePolicy);
        Assert.Equal("1", result.Status.Document.CurrentVersion);
    }

    [Fact]
    public async Task Second_reconcile_makes_zero_writes_and_one_read_per_concern()
    {
        var s = new Scenario();
        await s.RunAsync();
        s.Aws.ResetCalls();

        var result = await s.RunAsync();

        Assert.Equal(0, s.Aws.Writes);
        Assert.Equal(0, result.Writes);
        Assert.True(result.Plan.IsEmpty, result.Plan.Render());
        // bucket, log group, log group key, session key, trail, document, grants, rule, rule targets, and the resource
        // policy of each SNS and Lambda target (it decides delivery, so it is read every pass): never more than one read
        // each (the two keys are both read with DescribeKey).
        var reads = s.Aws.Calls.Where(c => c.StartsWith("read:", StringComparison.Ordinal)).ToList();
        Assert.True(reads.Count(r => r == "read:DescribeKey") == 2, string.Join(", ", reads));
        var others = reads.Where(r => r != "read:DescribeKey").ToList();
        Assert.True(others.Count == others.Distinct().Count(), string.Join(", ", reads));
        Assert.True(reads.Count <= 9 + 2, string.Join(", ", reads));
        Assert.Equal("True", s.Condition(ConditionTypes.Ready).Status);
        Assert.Equal("Synced", s.Condition(ConditionTypes.Ready).Reason);
        Assert.Empty(result.Status.Drift!);
    }

    [Fact]
    public async Task Existing_document_is_adopted_updated_with_latest_and_promoted()
    {
        var s = new Scenario();
        s.Aws.Documents[Doc] = ["""{"schemaVersion":"1.0","description":"mine","sessionType":"Standard_Stream","inputs":{"s3BucketName":"old","s3EncryptionEnabled":"true","idleSessionTimeout":"20"}}"""];
        s.Aws.DefaultVersions[Doc] = 1;

        var result = await s.RunAsync();

        Assert.Equal(2, s.Aws.Documents[Doc].Count);
        Assert.Equal(2, s.Aws.DefaultVersions[Doc]);
        Assert.Contains("write:UpdateDocument", s.Aws.Calls);
        Assert.Contains("write:UpdateDocumentDefaultVersion", s.Aws.Calls);
        Assert.DoesNotContain("write:CreateDocument", s.Aws.Calls);
        Assert.Equal("1", result.Status.Document!.VersionBeforePolicy);
        Assert.Equal("2", result.Status.Document.CurrentVersion);
        var inputs = JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!;
        Assert.Equal("mine", JsonNode.Parse(s.Aws.DefaultContent(Doc))!["description"]!.GetValue<string>());
        Assert.True(inputs["s3EncryptionEnabled"]!.GetValue<bool>()); // the string "true" is corrected to a boolean
        Assert.Contains("document.inputs.s3EncryptionEnabled", result.Status.Drift!);
        Assert.Contains(result.Plan.Changes, c => c.Path == "document.inputs.s3BucketName" && c.Current == "\"old\"" && c.Desired == $"\"{Scenario.Bucket}\"");
    }

    [Fact]
    public async Task Duplicate_content_on_latest_only_promotes_the_default()
    {
        var s = new Scenario();
        await s.RunAsync();
        var ours = s.Aws.DefaultContent(Doc);
        // Someone promoted an older version out of band, but $LATEST still holds ours.
        s.Aws.Documents[Doc].Insert(0, """{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{}}""");
        s.Aws.DefaultVersions[Doc] = 1;
        s.Aws.ResetCalls();

        await s.RunAsync();

        Assert.Equal(2, s.Aws.Documents[Doc].Count);
        Assert.Equal(2, s.Aws.DefaultVersions[Doc]);
        Assert.Equal(ours, s.Aws.DefaultContent(Doc));
        Assert.Equal("True", s.Condition(ConditionTypes.PreferencesSynced).Status);
    }

    [Fact]
    public async Task Out_of_band_edit_is_found_as_drift_and_corrected_in_Enforce()
    {
        var s = new Scenario();
        await s.RunAsync();
        var edited = JsonNode.Parse(s.Aws.DefaultContent(Doc))!;
        edited["inputs"]!["idleSessionTimeout"] = "60";
        edited["inputs"]!["cloudWatchStreamingEnabled"] = false;
        s.Aws.Documents[Doc].Add(edited.ToJsonString());
        s.Aws.DefaultVersions[Doc] = 2;

        var result = await s.RunAsync();

        Assert.Equal(["document.inputs.cloudWatchStreamingEnabled", "document.inputs.idleSessionTimeout"], result.Status.Drift!.Order().ToArray());
        var inputs = JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!;
        Assert.Equal("15", inputs["idleSessionTimeout"]!.GetValue<string>());
        // SSM refuses content equal to any version, so the version the operator wrote first is promoted again.
        Assert.Equal(1, s.Aws.DefaultVersions[Doc]);
        Assert.Equal(2, s.Aws.Documents[Doc].Count);
        Assert.Contains(result.Events, e => e.Reason == "DriftCorrected" && e.Message.Contains("inputs.idleSessionTimeout: \"60\" -> \"15\"", StringComparison.Ordinal));
        Assert.Equal("True", s.Condition(ConditionTypes.PreferencesSynced).Status);
        // The policy created the document: the hand edit it corrected is not an earlier version to restore.
        Assert.Equal("", result.Status.Document!.VersionBeforePolicy);
    }

    [Fact]
    public async Task Observe_mode_reports_drift_and_writes_nothing()
    {
        var s = new Scenario(spec => spec with { Mode = PolicyMode.Observe });
        s.Aws.Documents[Doc] = ["""{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"old"}}"""];
        s.Aws.DefaultVersions[Doc] = 1;

        var result = await s.RunAsync();

        Assert.Equal(0, s.Aws.Writes);
        Assert.Equal(0, result.Writes);
        var synced = s.Condition(ConditionTypes.PreferencesSynced);
        Assert.Equal("False", synced.Status);
        Assert.Equal("DriftDetected", synced.Reason);
        Assert.Contains("s3BucketName", synced.Message);
        Assert.Equal("False", s.Condition(ConditionTypes.Ready).Status);
        Assert.Equal("False", s.Condition(ConditionTypes.Stalled).Status);
        Assert.Contains("document.inputs.s3BucketName", result.Status.Drift!);
        Assert.Contains(result.Plan.Changes, c => c.Concern == "rule" && c.Action == ChangeAction.Create);
        Assert.Contains(result.Events, e => e.Type == "Warning" && e.Reason == "DriftDetected");
    }

    [Fact]
    public async Task Dry_run_prints_changes_by_field_path_without_writing_even_in_Enforce()
    {
        var s = new Scenario();
        s.Aws.Documents[Doc] = ["""{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"old","idleSessionTimeout":"20"}}"""];
        s.Aws.DefaultVersions[Doc] = 1;

        var result = await s.RunAsync(ReconcileMode.DryRun);

        Assert.Equal(0, s.Aws.Writes);
        var text = result.Plan.Render();
        Assert.Contains($"~ document.inputs.s3BucketName: \"old\" -> \"{Scenario.Bucket}\"", text);
        Assert.Contains("~ document.inputs.idleSessionTimeout: \"20\" -> \"15\"", text);
        Assert.Contains("+ document.inputs.kmsKeyId: \"alias/session-manager\"", text);
        Assert.Contains($"+ kms.grants[{Scenario.Ec2Role}]", text);
        Assert.Contains("+ rule[session-audit-prod]", text);
        Assert.Contains("+ rule.targets[sa-sns-", text);
    }

    [Fact]
    public async Task Inputs_the_spec_leaves_out_are_written_with_AWS_defaults_not_left_stale()
    {
        var s = new Scenario(_ => new SessionLoggingPolicySpec { Region = FakeAws.Region });
        s.Aws.Documents[Doc] = ["""{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"stale","runAsEnabled":true,"runAsDefaultUser":"root","maxSessionDuration":"30","futureInput":"kept"}}"""];
        s.Aws.DefaultVersions[Doc] = 1;

        await s.RunAsync();

        var inputs = JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!;
        Assert.Equal("", inputs["s3BucketName"]!.GetValue<string>());
        Assert.False(inputs["runAsEnabled"]!.GetValue<bool>());
        Assert.Equal("", inputs["runAsDefaultUser"]!.GetValue<string>());
        Assert.Equal("", inputs["maxSessionDuration"]!.GetValue<string>());
        Assert.Equal("20", inputs["idleSessionTimeout"]!.GetValue<string>());
        Assert.Equal("kept", inputs["futureInput"]!.GetValue<string>());
    }
}
