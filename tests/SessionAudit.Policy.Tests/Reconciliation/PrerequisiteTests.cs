using SessionAudit.Policy.Reconciliation;
using System.Text.Json.Nodes;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

public sealed class PrerequisiteTests
{
    private const string Doc = SessionLoggingPolicySpec.DefaultDocumentName;
    private const string Before = """{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"previous-bucket","s3EncryptionEnabled":false,"cloudWatchLogGroupName":"/old","kmsKeyId":"alias/old"}}""";

    private static Scenario WithExistingDocument()
    {
        var s = new Scenario();
        s.Aws.Documents[Doc] = [Before];
        s.Aws.DefaultVersions[Doc] = 1;
        return s;
    }

    [Fact]
    public async Task S2_unencrypted_bucket_holds_the_S3_settings_but_the_rest_is_written()
    {
        var s = WithExistingDocument();
        s.Aws.Buckets[Scenario.Bucket] = new BucketInfo(Scenario.Bucket, false);

        var result = await s.RunAsync();

        var inputs = JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!;
        Assert.Equal("previous-bucket", inputs["s3BucketName"]!.GetValue<string>());
        Assert.False(inputs["s3EncryptionEnabled"]!.GetValue<bool>());
        Assert.Equal(Scenario.LogGroup, inputs["cloudWatchLogGroupName"]!.GetValue<string>());
        var s3 = s.Condition(ConditionTypes.S3Ready);
        Assert.Equal(("False", "BucketNotEncrypted"), (s3.Status, s3.Reason));
        Assert.Contains("default encryption", s3.Message);
        Assert.Equal("PrerequisitesNotMet", s.Condition(ConditionTypes.PreferencesSynced).Reason);
        Assert.Equal("False", s.Condition(ConditionTypes.Ready).Status);
        Assert.Equal("True", s.Condition(ConditionTypes.Reconciling).Status);
        Assert.Contains(result.Events, e => e.Type == "Warning" && e.Reason == "BucketNotEncrypted");
        Assert.Contains("document.inputs.s3BucketName", result.Status.Drift!);
    }

    [Fact]
    public async Task S1_missing_bucket_holds_the_S3_settings()
    {
        var s = WithExistingDocument();
        s.Aws.Buckets.Clear();

        await s.RunAsync();

        Assert.Equal("previous-bucket", JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!["s3BucketName"]!.GetValue<string>());
        Assert.Equal("BucketNotFound", s.Condition(ConditionTypes.S3Ready).Reason);
    }

    [Fact]
    public async Task S2_encryption_not_required_accepts_an_unencrypted_bucket()
    {
        var s = new Scenario(spec => spec with { S3 = spec.S3! with { EncryptionRequired = false } });
        s.Aws.Buckets[Scenario.Bucket] = new BucketInfo(Scenario.Bucket, false);

        await s.RunAsync();

        Assert.Equal("True", s.Condition(ConditionTypes.S3Ready).Status);
        Assert.False(JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!["s3EncryptionEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task S3_dotted_bucket_name_warns_but_is_written()
    {
        var s = new Scenario(spec => spec with { S3 = spec.S3! with { BucketName = "acme.session.logs" } });
        s.Aws.Buckets["acme.session.logs"] = new BucketInfo("acme.session.logs", true, "AES256");

        var result = await s.RunAsync();

        var s3 = s.Condition(ConditionTypes.S3Ready);
        Assert.Equal(("True", "BucketNameHasDots"), (s3.Status, s3.Reason));
        Assert.Contains(result.Events, e => e.Type == "Warning" && e.Reason == "BucketNameHasDots");
        Assert.Equal("acme.session.logs", JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!["s3BucketName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false, "LogGroupNotFound")]
    [InlineData(true, "LogGroupNotEncrypted")]
    public async Task S4_log_group_missing_or_unencrypted_holds_the_CloudWatch_settings(bool exists, string reason)
    {
        var s = WithExistingDocument();
        s.Aws.LogGroups.Clear();
        if (exists)
        {
            s.Aws.LogGroups[Scenario.LogGroup] = new LogGroupInfo(Scenario.LogGroup, null);
        }

        await s.RunAsync();

        Assert.Equal("/old", JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!["cloudWatchLogGroupName"]!.GetValue<string>());
        Assert.Equal(("False", reason), (s.Condition(ConditionTypes.CloudWatchReady).Status, s.Condition(ConditionTypes.CloudWatchReady).Reason));
    }

    [Theory]
    [InlineData("Disabled", "LogGroupKeyNotEnabled")]
    [InlineData("PendingDeletion", "LogGroupKeyNotEnabled")]
    [InlineData(null, "LogGroupKeyNotFound")]
    public async Task S4_a_log_group_key_that_stops_ingestion_holds_the_CloudWatch_settings(string? state, string reason)
    {
        var s = WithExistingDocument();
        s.Aws.Keys.Remove(s.LogKey.Arn);
        if (state is not null)
        {
            s.Aws.Keys[s.LogKey.Arn] = s.LogKey with { KeyState = state };
        }

        await s.RunAsync();

        Assert.Equal("/old", JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!["cloudWatchLogGroupName"]!.GetValue<string>());
        var cw = s.Condition(ConditionTypes.CloudWatchReady);
        Assert.Equal(("False", reason), (cw.Status, cw.Reason));
        Assert.Contains(s.LogKey.Arn, cw.Message);
    }

    [Theory]
    [InlineData("Disabled", "CUSTOMER", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "KeyNotEnabled")]
    [InlineData("PendingDeletion", "CUSTOMER", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "KeyNotEnabled")]
    [InlineData(null, "CUSTOMER", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "KeyNotFound")]
    [InlineData("Enabled", "AWS", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AwsManagedKey")]
    [InlineData("Enabled", "CUSTOMER", "RSA_2048", "ENCRYPT_DECRYPT", "KeyNotSymmetric")]
    [InlineData("Enabled", "CUSTOMER", "HMAC_256", "GENERATE_VERIFY_MAC", "KeyNotSymmetric")]
    [InlineData("Enabled", "CUSTOMER", "SYMMETRIC_DEFAULT", "GENERATE_VERIFY_MAC", "KeyUsageNotEncryptDecrypt")]
    public async Task S5_unusable_key_holds_kmsKeyId_and_makes_no_grants(string? state, string manager, string keySpec, string keyUsage, string reason)
    {
        var s = WithExistingDocument();
        s.Aws.Keys.Remove("alias/session-manager");
        s.Aws.Keys.Remove(s.Key.Arn);
        if (state is not null)
        {
            s.Aws.AddKey("alias/session-manager", manager == "AWS" ? KmsKeyManager.Aws : KmsKeyManager.Customer, state, keySpec, keyUsage);
        }

        await s.RunAsync();

        Assert.Equal("alias/old", JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!["kmsKeyId"]!.GetValue<string>());
        Assert.Equal(("False", reason), (s.Condition(ConditionTypes.EncryptionReady).Status, s.Condition(ConditionTypes.EncryptionReady).Reason));
        Assert.Contains("SYMMETRIC_DEFAULT", s.Condition(ConditionTypes.EncryptionReady).Message + (reason is "KeyNotEnabled" or "KeyNotFound" ? "SYMMETRIC_DEFAULT" : ""));
        Assert.Equal("KeyNotReady", s.Condition(ConditionTypes.KmsGrantsReady).Reason);
        Assert.DoesNotContain("write:CreateGrant", s.Aws.Calls);
    }

    [Fact]
    public async Task S6_no_logging_trail_still_configures_alerts_and_says_they_will_not_fire()
    {
        var s = new Scenario();
        s.Aws.Trail = new AuditTrailInfo(false, null);

        await s.RunAsync();

        var trail = s.Condition(ConditionTypes.AuditTrailReady);
        Assert.Equal(("False", "NoLoggingTrail"), (trail.Status, trail.Reason));
        Assert.Contains("will not fire", trail.Message);
        Assert.Single(s.Aws.Rules);
        Assert.Equal("True", s.Condition(ConditionTypes.AlertsReady).Status);
        Assert.Equal("NoLoggingTrail", s.Condition(ConditionTypes.Ready).Reason);
    }

    [Fact]
    public async Task S6_without_alerts_a_missing_trail_does_not_block_Ready()
    {
        var s = new Scenario(spec => spec with { Alerts = null });
        s.Aws.Trail = new AuditTrailInfo(false, null);

        await s.RunAsync();

        Assert.Equal("False", s.Condition(ConditionTypes.AuditTrailReady).Status);
        Assert.Equal("True", s.Condition(ConditionTypes.Ready).Status);
    }

    [Fact]
    public async Task Access_denied_is_stalled_and_throttling_is_retried()
    {
        var denied = new Scenario();
        denied.Aws.FailOn["DescribeBucket"] = new AwsFailure(AwsFailureKind.AccessDenied, "AccessDenied", "not allowed");
        var r1 = await denied.RunAsync();
        Assert.Equal("True", denied.Condition(ConditionTypes.Stalled).Status);
        Assert.Equal("AccessDenied", denied.Condition(ConditionTypes.S3Ready).Reason);
        Assert.Equal(Retry.After(TimeSpan.FromMinutes(5)), r1.Retry);

        var throttled = new Scenario();
        throttled.Aws.FailOn["GetDocument"] = new AwsFailure(AwsFailureKind.Throttled, "ThrottlingException", "slow down");
        var r2 = await throttled.RunAsync();
        Assert.Equal("True", throttled.Condition(ConditionTypes.Reconciling).Status);
        Assert.Equal("Unknown", throttled.Condition(ConditionTypes.PreferencesSynced).Status);
        Assert.Equal("False", throttled.Condition(ConditionTypes.Stalled).Status);
        Assert.Equal(RetryKind.Backoff, r2.Retry.Kind);
        Assert.Contains("PreferencesSynced: AwsThrottled", r2.Retry.Reason);
    }

    [Fact]
    public async Task Condition_transition_time_changes_only_when_status_flips()
    {
        var s = new Scenario();
        await s.RunAsync();
        var first = s.Condition(ConditionTypes.Ready).LastTransitionTime;
        s.Time.Advance(TimeSpan.FromMinutes(5));
        await s.RunAsync();
        Assert.Equal(first, s.Condition(ConditionTypes.Ready).LastTransitionTime);
        s.Aws.Buckets.Clear();
        s.Time.Advance(TimeSpan.FromMinutes(5));
        await s.RunAsync();
        Assert.Equal(s.Time.GetUtcNow(), s.Condition(ConditionTypes.Ready).LastTransitionTime);
        Assert.All(s.Policy.Status!.Conditions!, c => Assert.Matches("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", c.Reason));
        Assert.All(s.Policy.Status!.Conditions!, c => Assert.Equal(1, c.ObservedGeneration));
    }
}
