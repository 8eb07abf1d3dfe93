using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The world of the preferences scenarios: buckets with and without encryption, a dotted bucket, log groups with and without a key.</summary>
public sealed class PreferencesWorld : OperatorWorld
{
    protected override string Seed => """
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                keys:
                  - alias: alias/e2e-logs
                    description: log key
                buckets:
                  - {name: e2e-logs, encryption: AES256}
                  - {name: e2e-unencrypted, encryption: none}
                  - {name: e2e.dotted.logs, encryption: AES256}
                logGroups:
                  - {name: /e2e/encrypted, kmsKey: alias/e2e-logs}
                  - {name: /e2e/plain}
                trails:
                  - {name: e2e-trail, bucket: e2e-logs, logging: true}
        """;
}

/// <summary>S1-S4 and S12 end to end: the operator writes the preferences document only when its prerequisites hold,
/// creates or adopts it, promotes the default version and corrects drift. AWS is read back with the AWS CLI.</summary>
public sealed class PreferencesScenarios(PreferencesWorld fixture) : IClassFixture<PreferencesWorld>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestWorld World => fixture.World;

    private static string Policy(string name, string document, string spec) => $"""
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: {name}
        spec:
          region: us-east-1
          documentName: {document}
        {Indent(spec)}
        """;

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "  " + l));

    private static void AssertJsonBoolean(JsonObject inputs, string field, bool expected)
    {
        var kind = inputs[field]!.GetValueKind();
        Assert.True(kind is JsonValueKind.True or JsonValueKind.False, $"{field} is written as {kind}, not a JSON boolean");
        Assert.Equal(expected, inputs[field]!.GetValue<bool>());
    }

    [Fact]
    public async Task S1_bucket_and_prefix_are_written_to_a_created_document()
    {
        await World.ApplyAsync(Policy("s1-bucket", "E2E-S1", """
            s3: {bucketName: e2e-logs, keyPrefix: sessions/}
            """), ct: Ct);
        await World.KubectlWaitReadyAsync("s1-bucket", ct: Ct);

        var inputs = (JsonObject)(await World.DocumentContentAsync("E2E-S1", ct: Ct))["inputs"]!;
        Assert.Equal("e2e-logs", (string?)inputs["s3BucketName"]);
        Assert.Equal("sessions/", (string?)inputs["s3KeyPrefix"]);
        AssertJsonBoolean(inputs, "s3EncryptionEnabled", true);

        var described = await World.PersonJsonAsync(["ssm", "describe-document", "--name", "E2E-S1"], ct: Ct);
        Assert.Equal("Session", (string?)described!["Document"]!["DocumentType"]);
        var policy = await World.GetPolicyAsync("s1-bucket", Ct);
        Assert.Equal("S3Ready", (string?)PolicyWorld.Condition(policy, "S3Ready")!["type"]);
        Assert.Equal("BucketReady", (string?)PolicyWorld.Condition(policy, "S3Ready")!["reason"]);
        Assert.Equal((string?)described["Document"]!["DefaultVersion"], (string?)policy!["status"]!["document"]!["currentVersion"]);
    }

    [Fact]
    public async Task S1_a_missing_bucket_gives_a_condition_and_is_not_written()
    {
        await World.ApplyAsync(Policy("s1-missing", "E2E-S1-Missing", """
            s3: {bucketName: e2e-no-such-bucket, keyPrefix: sessions/}
            """), ct: Ct);

        var policy = await World.WaitForConditionAsync("s1-missing", "S3Ready", "False", "BucketNotFound", ct: Ct);
        Assert.Contains("e2e-no-such-bucket", (string?)PolicyWorld.Condition(policy, "S3Ready")!["message"]);
        Assert.Equal("False", (string?)PolicyWorld.Condition(policy, "Ready")!["status"]);

        // The rest of the preferences are written; the bucket is held back at the AWS default.
        var inputs = (JsonObject)(await World.DocumentContentAsync("E2E-S1-Missing", ct: Ct))["inputs"]!;
        Assert.Equal("", (string?)inputs["s3BucketName"]);
        Assert.Equal("", (string?)inputs["s3KeyPrefix"]);
        Assert.Contains(await World.PolicyEventsAsync("s1-missing", Ct), e => e.Reason == "BucketNotFound" && e.Type == "Warning");
    }

    [Fact]
    public async Task S2_an_unencrypted_bucket_is_refused_until_encryption_is_turned_on_then_the_operator_converges()
    {
        await World.ApplyAsync(Policy("s2-encryption", "E2E-S2", """
            s3: {bucketName: e2e-unencrypted, keyPrefix: s2/, encryptionRequired: true}
            """), ct: Ct);

        var refused = await World.WaitForConditionAsync("s2-encryption", "S3Ready", "False", "BucketNotEncrypted", ct: Ct);
        var message = (string)PolicyWorld.Condition(refused, "S3Ready")!["message"]!;
        Assert.Contains("default encryption", message, StringComparison.Ordinal);
        Assert.Equal("", (string?)(await World.DocumentContentAsync("E2E-S2", ct: Ct))["inputs"]!["s3BucketName"]);

        await World.PersonCliAsync(
            ["s3api", "put-bucket-encryption", "--bucket", "e2e-unencrypted", "--server-side-encryption-configuration",
             """{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}"""], ct: Ct);

        // Nobody touches the policy: the operator finds the fix on its own at its next check.
        await World.WaitForConditionAsync("s2-encryption", "Ready", "True", "Synced", TimeSpan.FromSeconds(90), Ct);
        var inputs = (JsonObject)(await World.DocumentContentAsync("E2E-S2", ct: Ct))["inputs"]!;
        Assert.Equal("e2e-unencrypted", (string?)inputs["s3BucketName"]);
        Assert.Equal("s2/", (string?)inputs["s3KeyPrefix"]);
        AssertJsonBoolean(inputs, "s3EncryptionEnabled", true);
    }

    [Fact]
    public async Task S3_a_dotted_bucket_name_warns_in_the_condition_and_an_event()
    {
        await World.ApplyAsync(Policy("s3-dotted", "E2E-S3", """
            s3: {bucketName: e2e.dotted.logs}
            """), ct: Ct);
        var policy = await World.WaitForConditionAsync("s3-dotted", "S3Ready", "True", "BucketNameHasDots", ct: Ct);
        Assert.Contains("dots", (string?)PolicyWorld.Condition(policy, "S3Ready")!["message"]);

        var events = await Eventually.WaitAsync(
            () => World.PolicyEventsAsync("s3-dotted", Ct),
            e => e.Any(x => x.Reason == "BucketNameHasDots"),
            TimeSpan.FromSeconds(20), "a BucketNameHasDots event", Ct);
        Assert.Equal("Warning", events.First(x => x.Reason == "BucketNameHasDots").Type);
        Assert.Equal("e2e.dotted.logs", (string?)(await World.DocumentContentAsync("E2E-S3", ct: Ct))["inputs"]!["s3BucketName"]);
    }

    [Fact]
    public async Task S4_an_encrypted_log_group_is_written_and_an_unencrypted_one_is_refused_when_encryption_is_required()
    {
        var groups = await World.PersonJsonAsync(["logs", "describe-log-groups", "--log-group-name-prefix", "/e2e/"], ct: Ct);
        var byName = groups!["logGroups"]!.AsArray().ToDictionary(g => (string)g!["logGroupName"]!, g => g);
        Assert.NotNull(byName["/e2e/encrypted"]!["kmsKeyId"]);
        Assert.Null(byName["/e2e/plain"]!["kmsKeyId"]);

        await World.ApplyAsync(Policy("s4-encrypted", "E2E-S4", """
            cloudWatch: {logGroupName: /e2e/encrypted, encryptionRequired: true, streaming: true}
            """), ct: Ct);
        await World.ApplyAsync(Policy("s4-plain", "E2E-S4-Plain", """
            cloudWatch: {logGroupName: /e2e/plain, encryptionRequired: true}
            """), ct: Ct);

        await World.KubectlWaitReadyAsync("s4-encrypted", ct: Ct);
        var inputs = (JsonObject)(await World.DocumentContentAsync("E2E-S4", ct: Ct))["inputs"]!;
        Assert.Equal("/e2e/encrypted", (string?)inputs["cloudWatchLogGroupName"]);
        AssertJsonBoolean(inputs, "cloudWatchEncryptionEnabled", true);
        AssertJsonBoolean(inputs, "cloudWatchStreamingEnabled", true);

        var plain = await World.WaitForConditionAsync("s4-plain", "CloudWatchReady", "False", "LogGroupNotEncrypted", ct: Ct);
        Assert.Contains("/e2e/plain", (string?)PolicyWorld.Condition(plain, "CloudWatchReady")!["message"]);
        Assert.Equal("", (string?)(await World.DocumentContentAsync("E2E-S4-Plain", ct: Ct))["inputs"]!["cloudWatchLogGroupName"]);
    }

    [Fact]
    public async Task S12_an_existing_document_is_adopted_updated_at_latest_and_its_new_version_promoted()
    {
        var original = """
            {"schemaVersion":"1.0","description":"made by hand","sessionType":"Standard_Stream",
             "inputs":{"s3BucketName":"","s3EncryptionEnabled":true,"idleSessionTimeout":"60","runAsEnabled":false}}
            """;
        await World.PersonCliAsync(["ssm", "create-document", "--name", "E2E-Adopt", "--document-type", "Session", "--document-format", "JSON", "--content", original], ct: Ct);
        var since = DateTimeOffset.UtcNow;

        // Shell profiles need an AwsAccount that allows them (the built-in guardrails refuse them); this one only names
        // the operator's own account, so the other scenarios here are unaffected.
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: AwsAccount
            metadata:
              name: e2e-profiles
            spec:
              guardrails: {allowShellProfile: true}
            """, ct: Ct);
        await World.ApplyAsync(Policy("s12-adopt", "E2E-Adopt", """
            accountRef: {name: e2e-profiles}
            s3: {bucketName: e2e-logs, keyPrefix: adopted/}
            session:
              idleTimeoutMinutes: 15
              maxDurationMinutes: 90
              runAs: {enabled: true, defaultUser: ssm-user}
              shellProfile: {linux: "exec bash -l"}
            """), ct: Ct);
        await World.KubectlWaitReadyAsync("s12-adopt", ct: Ct);

        // Adopted, not duplicated: the operator never tried to create it (no DocumentAlreadyExists), and the one document
        // has the hand-made version 1 and the operator's version 2.
        Assert.DoesNotContain(World.OperatorWritesSince(since), c => c.Operation == "CreateDocument");

        var described = (await World.PersonJsonAsync(["ssm", "describe-document", "--name", "E2E-Adopt"], ct: Ct))!["Document"]!;
        Assert.Equal("2", (string?)described["LatestVersion"]);
        Assert.Equal((string?)described["LatestVersion"], (string?)described["DefaultVersion"]);

        var content = await World.DocumentContentAsync("E2E-Adopt", ct: Ct);
        Assert.Equal("made by hand", (string?)content["description"]);
        var inputs = (JsonObject)content["inputs"]!;
        Assert.Equal("e2e-logs", (string?)inputs["s3BucketName"]);
        Assert.Equal("15", (string?)inputs["idleSessionTimeout"]);
        Assert.Equal("90", (string?)inputs["maxSessionDuration"]);
        Assert.Equal("ssm-user", (string?)inputs["runAsDefaultUser"]);
        Assert.Equal("exec bash -l", (string?)inputs["shellProfile"]!["linux"]);
        AssertJsonBoolean(inputs, "runAsEnabled", true);
        AssertJsonBoolean(inputs, "s3EncryptionEnabled", true);

        var status = (await World.GetPolicyAsync("s12-adopt", Ct))!["status"]!["document"]!;
        Assert.Equal("1", (string?)status["versionBeforePolicy"]);
        Assert.Equal("2", (string?)status["currentVersion"]);

        // Version 1 is untouched: the update went to $LATEST as a new version.
        var v1 = await World.PersonJsonAsync(["ssm", "get-document", "--name", "E2E-Adopt", "--document-version", "1"], ct: Ct);
        Assert.Equal("60", (string?)JsonNode.Parse((string)v1!["Content"]!)!["inputs"]!["idleSessionTimeout"]);
    }

    [Fact]
    public async Task A_prefix_changed_and_reverted_with_kubectl_apply_leaves_the_reverted_prefix_in_the_default_version()
    {
        string Spec(string prefix) => Policy("revert", "E2E-Revert", $$"""
            s3: {bucketName: e2e-logs, keyPrefix: {{prefix}}}
            """);
        async Task<string?> DefaultPrefixAsync() => (string?)(await World.DocumentContentAsync("E2E-Revert", ct: Ct))["inputs"]!["s3KeyPrefix"];

        await World.ApplyAsync(Spec("a/"), ct: Ct);
        await World.KubectlWaitReadyAsync("revert", ct: Ct);
        await World.ApplyAsync(Spec("b/"), ct: Ct);
        await World.KubectlWaitReadyAsync("revert", ct: Ct);
        Assert.Equal("b/", await DefaultPrefixAsync());

        // The GitOps revert: SSM refuses to store content equal to version 1 again, so version 1 must be promoted.
        await World.ApplyAsync(Spec("a/"), ct: Ct);
        await World.KubectlWaitReadyAsync("revert", ct: Ct);

        Assert.Equal("a/", await DefaultPrefixAsync());
        var described = (await World.PersonJsonAsync(["ssm", "describe-document", "--name", "E2E-Revert"], ct: Ct))!["Document"]!;
        Assert.Equal(("1", "2"), ((string?)described["DefaultVersion"], (string?)described["LatestVersion"]));
        var policy = (await World.GetPolicyAsync("revert", Ct))!;
        Assert.Equal("1", (string?)policy["status"]!["document"]!["currentVersion"]);
        var events = await World.PolicyEventsAsync("revert", Ct);
        Assert.Contains(events, e => e.Reason == "DocumentUpdated" && e.Message.Contains("Promoted existing version 1", StringComparison.Ordinal));
        fixture.AssertOperatorAlive();
    }

    [Fact]
    public async Task Drift_made_with_the_AWS_CLI_is_corrected_at_the_next_check()
    {
        await World.ApplyAsync(Policy("drift", "E2E-Drift", """
            s3: {bucketName: e2e-logs, keyPrefix: drift/}
            session: {idleTimeoutMinutes: 30}
            """), ct: Ct);
        await World.KubectlWaitReadyAsync("drift", ct: Ct);
        var before = (await World.PersonJsonAsync(["ssm", "describe-document", "--name", "E2E-Drift"], ct: Ct))!["Document"]!;

        // Someone edits the preferences by hand, as the console would: a new version made default.
        var content = await World.DocumentContentAsync("E2E-Drift", ct: Ct);
        content["inputs"]!["s3BucketName"] = "somewhere-else";
        content["inputs"]!["idleSessionTimeout"] = "5";
        var updated = await World.PersonJsonAsync(["ssm", "update-document", "--name", "E2E-Drift", "--document-version", "$LATEST", "--content", content.ToJsonString()], ct: Ct);
        var tampered = (string)updated!["DocumentDescription"]!["DocumentVersion"]!;
        await World.PersonCliAsync(["ssm", "update-document-default-version", "--name", "E2E-Drift", "--document-version", tampered], ct: Ct);

        var restored = await Eventually.WaitAsync(
            () => World.DocumentContentAsync("E2E-Drift", ct: Ct),
            c => (string?)c["inputs"]!["s3BucketName"] == "e2e-logs",
            TimeSpan.FromSeconds(60), "the operator to restore s3BucketName", Ct);
        Assert.Equal("30", (string?)restored["inputs"]!["idleSessionTimeout"]);

        // SSM refuses content that repeats any version, so the fix promotes the version the operator made before.
        var after = (await World.PersonJsonAsync(["ssm", "describe-document", "--name", "E2E-Drift"], ct: Ct))!["Document"]!;
        Assert.Equal((string?)before["DefaultVersion"], (string?)after["DefaultVersion"]);
        Assert.Equal(tampered, (string?)after["LatestVersion"]);
        Assert.Equal((string?)after["DefaultVersion"], (string?)(await World.GetPolicyAsync("drift", Ct))!["status"]!["document"]!["currentVersion"]);

        // A second hand edit is reverted the same way.
        content["inputs"]!["idleSessionTimeout"] = "7";
        updated = await World.PersonJsonAsync(["ssm", "update-document", "--name", "E2E-Drift", "--document-version", "$LATEST", "--content", content.ToJsonString()], ct: Ct);
        await World.PersonCliAsync(["ssm", "update-document-default-version", "--name", "E2E-Drift", "--document-version", (string)updated!["DocumentDescription"]!["DocumentVersion"]!], ct: Ct);
        restored = await Eventually.WaitAsync(
            () => World.DocumentContentAsync("E2E-Drift", ct: Ct),
            c => (string?)c["inputs"]!["idleSessionTimeout"] == "30" && (string?)c["inputs"]!["s3BucketName"] == "e2e-logs",
            TimeSpan.FromSeconds(60), "the operator to restore the second hand edit", Ct);
        var afterSecond = (await World.PersonJsonAsync(["ssm", "describe-document", "--name", "E2E-Drift"], ct: Ct))!["Document"]!;
        Assert.Equal((string?)before["DefaultVersion"], (string?)afterSecond["DefaultVersion"]);

        var events = await Eventually.WaitAsync(
            () => World.PolicyEventsAsync("drift", Ct),
            e => e.Any(x => x.Reason == "DriftCorrected" && x.Message.Contains("inputs.s3BucketName", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "a DriftCorrected event naming inputs.s3BucketName", Ct);
        Assert.Contains(events, x => x.Reason == "DriftCorrected" && x.Message.Contains("inputs.idleSessionTimeout", StringComparison.Ordinal));
        fixture.AssertOperatorAlive();
    }
}
