using System.Text.Json.Nodes;
using CsCheck;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

/// <summary>The preferences document converges on every path, and PreferencesSynced is True only when it is true.</summary>
public sealed class DocumentConvergenceTests
{
    private const string Doc = SessionLoggingPolicySpec.DefaultDocumentName;

    private static SessionLoggingPolicySpec WithPrefix(SessionLoggingPolicySpec spec, string prefix) =>
        spec with { S3 = spec.S3! with { KeyPrefix = prefix } };

    private static string DefaultPrefix(Scenario s) =>
        (string)JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!["s3KeyPrefix"]!;

    [Fact]
    public async Task A_spec_reverted_to_earlier_content_promotes_the_version_that_holds_it()
    {
        var s = new Scenario(spec => WithPrefix(spec, "a/"));
        await s.RunAsync();
        s.Spec = WithPrefix(s.Spec, "b/");
        await s.RunAsync();
        Assert.Equal("b/", DefaultPrefix(s));

        s.Spec = WithPrefix(s.Spec, "a/");
        var result = await s.RunAsync();

        Assert.Equal("a/", DefaultPrefix(s));
        Assert.Equal(1, s.Aws.DefaultVersions[Doc]);
        Assert.Equal(2, s.Aws.Documents[Doc].Count);
        Assert.Equal("True", s.Condition(ConditionTypes.PreferencesSynced).Status);
        Assert.Equal("True", s.Condition(ConditionTypes.Ready).Status);
        Assert.Equal("1", result.Status.Document!.CurrentVersion);
        Assert.Contains(result.Events, e => e.Reason == "DocumentUpdated"
            && e.Message.Contains("Promoted existing version 1", StringComparison.Ordinal)
            && e.Message.Contains("inputs.s3KeyPrefix: \"b/\" -> \"a/\"", StringComparison.Ordinal));

        // The next drift check has nothing to do.
        s.Aws.ResetCalls();
        await s.RunAsync();
        Assert.Equal(0, s.Aws.Writes);
    }

    [Fact]
    public async Task Synced_is_never_True_while_the_default_version_differs_from_the_spec()
    {
        // Random sequences of spec edits (with reverts to earlier values), hand edits and hand promotions of old versions.
        var step = Gen.Int[0, 3].Select(Gen.Int[0, 2], (kind, value) => (kind, value));
        await Gen.Int[1, 12].SelectMany(n => step.Array[n]).SampleAsync(async steps =>
        {
            var s = new Scenario(spec => WithPrefix(spec, "p0/"));
            await s.RunAsync();
            foreach (var (kind, value) in steps)
            {
                switch (kind)
                {
                    case 0:
                        s.Spec = WithPrefix(s.Spec, $"p{value}/");
                        break;
                    case 1:
                        s.Spec = s.Spec with { Session = s.Spec.Session! with { IdleTimeoutMinutes = 10 + value } };
                        break;
                    case 2:
                        var edited = JsonNode.Parse(s.Aws.DefaultContent(Doc))!;
                        edited["inputs"]!["s3KeyPrefix"] = $"hand{value}/";
                        if (!s.Aws.Documents[Doc].Contains(edited.ToJsonString()))
                        {
                            s.Aws.AddVersionByHand(Doc, edited.ToJsonString());
                        }

                        break;
                    default:
                        s.Aws.DefaultVersions[Doc] = 1 + (value % s.Aws.Documents[Doc].Count);
                        break;
                }

                await s.RunAsync();
                var synced = s.Condition(ConditionTypes.PreferencesSynced);
                var desired = PreferencesContent.Desired(s.Spec, JsonNode.Parse(s.Aws.DefaultContent(Doc)) as JsonObject);
                var differs = JsonFieldDiff.Compare(desired, JsonNode.Parse(s.Aws.DefaultContent(Doc)) as JsonObject).Count > 0;
                if (synced.Status == "True" && differs)
                {
                    return false;
                }

                // Enforce with no other writer converges in one reconcile (the flapping guard needs 4 hand edits in a row).
                if (differs && synced.Reason != "ConflictingWriter")
                {
                    return false;
                }
            }

            return true;
        }, iter: 300);
    }

    [Fact]
    public async Task A_Command_document_named_by_the_policy_is_never_written_and_says_why()
    {
        var s = new Scenario(spec => spec with { DocumentName = "Run-Things" });
        s.Aws.Documents["Run-Things"] = ["""{"schemaVersion":"2.2","mainSteps":[]}"""];
        s.Aws.DefaultVersions["Run-Things"] = 1;
        s.Aws.DocumentTypes["Run-Things"] = "Command";

        var result = await s.RunAsync();

        Assert.DoesNotContain(s.Aws.Calls, c => c.StartsWith("write:", StringComparison.Ordinal) && c.Contains("Document", StringComparison.Ordinal));
        var synced = s.Condition(ConditionTypes.PreferencesSynced);
        Assert.Equal(("False", "NotASessionDocument"), (synced.Status, synced.Reason));
        Assert.Contains("Command document", synced.Message, StringComparison.Ordinal);
        Assert.Equal("True", s.Condition(ConditionTypes.Stalled).Status);
        Assert.Equal("NotASessionDocument", s.Condition(ConditionTypes.Ready).Reason);
        Assert.Single(s.Aws.Documents["Run-Things"]);
        Assert.DoesNotContain(result.Plan.Changes, c => c.Concern == "document");
    }

    [Fact]
    public async Task At_the_version_limit_old_versions_the_policy_wrote_are_deleted_to_make_room()
    {
        var s = new Scenario(spec => WithPrefix(spec, "v0/"));
        s.Aws.Documents[Doc] = ["""{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3KeyPrefix":"by-hand/"}}"""];
        s.Aws.VersionNames[Doc] = [null];
        s.Aws.DefaultVersions[Doc] = 1;
        s.Aws.MaxDocumentVersions = 4;
        for (var i = 0; i < 3; i++)
        {
            s.Spec = WithPrefix(s.Spec, $"v{i}/");
            await s.RunAsync();
        }

        Assert.Equal(4, s.Aws.Documents[Doc].Count);
        s.Spec = WithPrefix(s.Spec, "v9/");
        var result = await s.RunAsync();

        Assert.Equal("v9/", DefaultPrefix(s));
        Assert.Equal("True", s.Condition(ConditionTypes.PreferencesSynced).Status);
        // Version 1 was written by hand and is kept; versions 2 and 3 were the operator's and not the latest.
        Assert.DoesNotContain((Doc, 1), s.Aws.DeletedVersions);
        Assert.Contains((Doc, 2), s.Aws.DeletedVersions);
        Assert.Contains((Doc, 3), s.Aws.DeletedVersions);
        Assert.DoesNotContain((Doc, 4), s.Aws.DeletedVersions);
        Assert.Contains(result.Events, e => e.Reason == "DocumentVersionsPruned");
    }

    [Fact]
    public async Task At_the_version_limit_with_no_version_of_its_own_the_policy_says_so_and_deletes_nothing()
    {
        var s = new Scenario();
        s.Aws.Documents[Doc] = [.. Enumerable.Range(0, 3).Select(i => "{\"schemaVersion\":\"1.0\",\"sessionType\":\"Standard_Stream\",\"inputs\":{\"idleSessionTimeout\":\"" + (i + 1) + "\"}}")];
        s.Aws.DefaultVersions[Doc] = 3;
        s.Aws.MaxDocumentVersions = 3;

        await s.RunAsync();

        var synced = s.Condition(ConditionTypes.PreferencesSynced);
        Assert.Equal(("False", "DocumentVersionLimit"), (synced.Status, synced.Reason));
        Assert.Contains("delete-document", synced.Message, StringComparison.Ordinal);
        Assert.Empty(s.Aws.DeletedVersions);
        Assert.Equal("True", s.Condition(ConditionTypes.Stalled).Status);
    }

    [Fact]
    public async Task A_writer_that_flips_the_same_fields_back_after_each_correction_gets_ConflictingWriter_instead_of_endless_versions()
    {
        var s = new Scenario();
        await s.RunAsync();
        string Tamper(int i)
        {
            var edited = JsonNode.Parse(s.Aws.DefaultContent(Doc))!;
            edited["inputs"]!["idleSessionTimeout"] = $"{40 + i}";
            return edited.ToJsonString();
        }

        for (var i = 0; i < PolicyReconciler.MaxDriftCorrections; i++)
        {
            s.Aws.AddVersionByHand(Doc, Tamper(i));
            await s.RunAsync();
            Assert.Equal("True", s.Condition(ConditionTypes.PreferencesSynced).Status);
        }

        s.Aws.AddVersionByHand(Doc, Tamper(9));
        s.Aws.ResetCalls();
        var result = await s.RunAsync();

        Assert.Equal(0, s.Aws.Writes);
        var synced = s.Condition(ConditionTypes.PreferencesSynced);
        Assert.Equal(("False", "ConflictingWriter"), (synced.Status, synced.Reason));
        Assert.Contains("inputs.idleSessionTimeout", synced.Message, StringComparison.Ordinal);
        Assert.Equal("ConflictingWriter", s.Condition(ConditionTypes.Ready).Reason);
        Assert.Equal("True", s.Condition(ConditionTypes.Stalled).Status);
        Assert.Contains(result.Events, e => e.Reason == "ConflictingWriter");

        // The guard holds: the next drift check, with the other writer's version still the default, writes nothing either.
        s.Aws.ResetCalls();
        await s.RunAsync();
        Assert.Equal(0, s.Aws.Writes);
        Assert.Equal("ConflictingWriter", s.Condition(ConditionTypes.PreferencesSynced).Reason);
        s.Aws.AddVersionByHand(Doc, Tamper(10));
        await s.RunAsync();
        Assert.Equal(0, s.Aws.Writes);

        // A spec change resumes correction.
        s.Spec = s.Spec with { Session = s.Spec.Session! with { IdleTimeoutMinutes = 25 } };
        await s.RunAsync();
        Assert.Equal("True", s.Condition(ConditionTypes.PreferencesSynced).Status);
        Assert.Equal("25", (string?)JsonNode.Parse(s.Aws.DefaultContent(Doc))!["inputs"]!["idleSessionTimeout"]);
    }

    [Fact]
    public async Task A_custom_document_name_says_that_ordinary_sessions_use_only_the_default_document()
    {
        var s = new Scenario(spec => spec with { DocumentName = "Team-Prefs" });

        await s.RunAsync();

        var synced = s.Condition(ConditionTypes.PreferencesSynced);
        Assert.Equal("True", synced.Status);
        Assert.Contains("use only SSM-SessionManagerRunShell", synced.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_names_the_failing_prerequisite_not_the_held_document()
    {
        var s = new Scenario();
        s.Aws.Buckets[Scenario.Bucket] = new SessionAudit.Policy.Ports.BucketInfo(Scenario.Bucket, false, null);

        await s.RunAsync();

        var ready = s.Condition(ConditionTypes.Ready);
        Assert.Equal(("False", "BucketNotEncrypted"), (ready.Status, ready.Reason));
        Assert.StartsWith("S3Ready: Bucket acme-session-logs has no default encryption", ready.Message, StringComparison.Ordinal);
        var synced = s.Condition(ConditionTypes.PreferencesSynced);
        Assert.Equal("PrerequisitesNotMet", synced.Reason);
        Assert.DoesNotContain("matches", synced.Message, StringComparison.Ordinal);
        Assert.Contains("see S3Ready", synced.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_of_an_Enforce_policy_says_it_is_a_dry_run_and_Observe_says_Observe()
    {
        var s = new Scenario();
        s.Aws.Documents[Doc] = ["""{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"old"}}"""];
        s.Aws.DefaultVersions[Doc] = 1;

        await s.RunAsync(ReconcileMode.DryRun);
        Assert.Contains("dry run", s.Condition(ConditionTypes.PreferencesSynced).Message, StringComparison.Ordinal);
        Assert.Contains("inputs.s3BucketName: \"old\" -> \"acme-session-logs\"", s.Condition(ConditionTypes.PreferencesSynced).Message, StringComparison.Ordinal);

        var observe = new Scenario(spec => spec with { Mode = PolicyMode.Observe });
        observe.Aws.Documents[Doc] = s.Aws.Documents[Doc];
        observe.Aws.DefaultVersions[Doc] = 1;
        await observe.RunAsync(ReconcileMode.DryRun);
        Assert.Contains("Observe mode changes nothing", observe.Condition(ConditionTypes.PreferencesSynced).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grant_names_do_not_depend_on_the_uid_so_a_plan_from_a_file_finds_the_grant()
    {
        var s = new Scenario();
        await s.RunAsync();
        // A manifest read from a file has no uid.
        s.Policy = s.Policy with { Metadata = s.Policy.Metadata with { Uid = "" }, Status = null };
        s.Aws.ResetCalls();
        var result = await s.RunAsync(ReconcileMode.DryRun);

        Assert.DoesNotContain(result.Plan.Changes, c => c.Concern == "kms");
    }

    [Fact]
    public async Task Observe_mode_never_counts_corrections_it_does_not_make()
    {
        var s = new Scenario(spec => spec with { Mode = PolicyMode.Observe });
        s.Aws.Documents[Doc] = ["""{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"old"}}"""];
        s.Aws.DefaultVersions[Doc] = 1;
        for (var i = 0; i < PolicyReconciler.MaxDriftCorrections + 2; i++)
        {
            s.Aws.AddVersionByHand(Doc, "{\"schemaVersion\":\"1.0\",\"sessionType\":\"Standard_Stream\",\"inputs\":{\"s3BucketName\":\"old" + i + "\"}}");
            var result = await s.RunAsync();
            Assert.Null(result.Status.Document!.DriftCorrections);
        }

        Assert.Equal("DriftDetected", s.Condition(ConditionTypes.PreferencesSynced).Reason);
    }

    [Fact]
    public async Task Pruning_never_deletes_the_version_deletion_restores()
    {
        var s = new Scenario(spec => WithPrefix(spec, "v0/"));
        // A policy re-created after a Retain deletion: the version it would restore is one it named itself.
        s.Aws.Documents[Doc] = ["""{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3KeyPrefix":"old/"}}"""];
        s.Aws.VersionNames[Doc] = [ResourceNames.DocumentVersion("prod", "earlier")];
        s.Aws.DefaultVersions[Doc] = 1;
        s.Aws.MaxDocumentVersions = 3;
        await s.RunAsync();
        s.Spec = WithPrefix(s.Spec, "v1/");
        await s.RunAsync();
        Assert.Equal("1", s.Policy.Status!.Document!.VersionBeforePolicy);

        s.Spec = WithPrefix(s.Spec, "v2/");
        await s.RunAsync();

        Assert.Equal("v2/", DefaultPrefix(s));
        Assert.DoesNotContain((Doc, 1), s.Aws.DeletedVersions);
        Assert.Contains((Doc, 2), s.Aws.DeletedVersions);
    }

    [Fact]
    public async Task Deletion_does_not_wait_forever_for_a_version_someone_deleted()
    {
        var s = new Scenario(spec => spec with { DeletionPolicy = DeletionPolicy.Delete });
        s.Aws.Documents[Doc] = ["""{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{}}"""];
        s.Aws.DefaultVersions[Doc] = 1;
        await s.RunAsync();
        Assert.Equal("1", s.Policy.Status!.Document!.VersionBeforePolicy);
        s.Aws.FailOn["UpdateDocumentDefaultVersion"] = new SessionAudit.Policy.Ports.AwsFailure(SessionAudit.Policy.Ports.AwsFailureKind.Invalid, "InvalidDocumentVersion", "The document version is not valid or does not exist.");
        s.Policy = s.Policy with { Metadata = s.Policy.Metadata with { DeletionRequested = true } };

        var result = await s.RunAsync();

        Assert.Equal(PolicyOutcome.Deleted, result.Outcome);
        Assert.Contains(result.Events, e => e.Reason == "DocumentNotRestored");
    }

    [Fact]
    public async Task An_adopted_document_records_its_first_default_so_a_corrected_hand_edit_is_never_restored()
    {
        var s = new Scenario();
        s.Aws.Documents[Doc] = [PreferencesContent.Serialize(PreferencesContent.Desired(s.Spec, null))];
        s.Aws.DefaultVersions[Doc] = 1;
        await s.RunAsync();
        Assert.DoesNotContain("write:UpdateDocument", s.Aws.Calls);
        s.Aws.AddVersionByHand(Doc, """{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"tampered"}}""");

        var result = await s.RunAsync();

        Assert.Equal("1", result.Status.Document!.VersionBeforePolicy);
        Assert.Equal(1, s.Aws.DefaultVersions[Doc]);
    }

    [Fact]
    public async Task A_version_name_already_taken_gets_a_unique_variant_and_the_update_goes_through()
    {
        var s = new Scenario(spec => WithPrefix(spec, "a/"));
        await s.RunAsync();
        var desired = PreferencesContent.Desired(WithPrefix(s.Spec, "b/"), JsonNode.Parse(s.Aws.DefaultContent(Doc)) as JsonObject);
        // Someone else's version carries the name the operator gives that content.
        s.Aws.AddVersionByHand(Doc, """{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3KeyPrefix":"x/"}}""", makeDefault: false);
        s.Aws.VersionNames[Doc].Add(ResourceNames.DocumentVersion("prod", PreferencesContent.Serialize(desired)));

        s.Spec = WithPrefix(s.Spec, "b/");
        await s.RunAsync();

        Assert.Equal("b/", DefaultPrefix(s));
        Assert.Equal("True", s.Condition(ConditionTypes.PreferencesSynced).Status);
        Assert.StartsWith(ResourceNames.DocumentVersion("prod", PreferencesContent.Serialize(desired)) + "-", s.Aws.VersionNames[Doc][^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grant_named_by_an_earlier_release_is_replaced_by_one_under_the_current_name()
    {
        var s = new Scenario();
        await s.RunAsync();
        var key = s.Key.Arn;
        var grant = Assert.Single(s.Aws.Grants[key]);
        s.Aws.Grants[key] = [grant with { Name = ResourceNames.LegacyGrant("prod", s.Policy.Metadata.Uid), GrantId = "legacy-grant" }];

        await s.RunAsync();

        var now = Assert.Single(s.Aws.Grants[key]);
        Assert.Equal(ResourceNames.Grant("prod", s.Spec, null), now.Name);
        Assert.Equal(Scenario.Ec2Role, now.GranteePrincipal);
        Assert.Equal("True", s.Condition(ConditionTypes.KmsGrantsReady).Status);
    }
}
