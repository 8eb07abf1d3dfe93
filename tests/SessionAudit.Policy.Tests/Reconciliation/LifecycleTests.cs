using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

public sealed class LifecycleTests
{
    private const string Doc = SessionLoggingPolicySpec.DefaultDocumentName;

    [Fact]
    public async Task Newer_policy_for_the_same_account_region_and_document_gets_Conflict_and_touches_nothing()
    {
        var s = new Scenario();
        var older = new SessionLoggingPolicy(new PolicyMetadata("aaa-older", "u2", 1, s.Policy.Metadata.CreationTimestamp.AddHours(-1)), Scenario.FullSpec());

        var result = await s.RunAsync(others: [older, s.Policy]);

        Assert.Empty(s.Aws.Calls);
        var ready = s.Condition(ConditionTypes.Ready);
        Assert.Equal(("False", "Conflict"), (ready.Status, ready.Reason));
        Assert.Contains("aaa-older", ready.Message);
        Assert.Equal("True", s.Condition(ConditionTypes.Stalled).Status);
        Assert.Contains(result.Events, e => e.Reason == "Conflict");
    }

    [Fact]
    public async Task Same_creation_time_is_broken_by_name_and_other_regions_do_not_conflict()
    {
        var s = new Scenario();
        var same = new SessionLoggingPolicy(new PolicyMetadata("zzz", "u3", 1, s.Policy.Metadata.CreationTimestamp), Scenario.FullSpec());
        var elsewhere = new SessionLoggingPolicy(new PolicyMetadata("aaa", "u4", 1, s.Policy.Metadata.CreationTimestamp.AddDays(-9)), Scenario.FullSpec() with { Region = "eu-west-1" });
        var otherAccount = new SessionLoggingPolicy(new PolicyMetadata("aab", "u5", 1, s.Policy.Metadata.CreationTimestamp.AddDays(-9)), Scenario.FullSpec() with { AccountRef = new AccountReference { Name = "audit" } });
        s.Accounts = [Scenario.Permissive, new AwsAccount("audit", new AwsAccountSpec { RoleArn = "arn:aws:iam::444455556666:role/audit" })];

        await s.RunAsync(others: [same, elsewhere, otherAccount]);

        Assert.Equal("True", s.Condition(ConditionTypes.Ready).Status);
        Assert.Equal("prod", PolicyReconciler.ConflictOwner(same, [s.Policy], s.AccountContext)?.Metadata.Name);
    }

    [Fact]
    public async Task Deletion_with_Retain_keeps_everything_and_makes_no_calls()
    {
        var s = new Scenario();
        await s.RunAsync();
        s.Aws.ResetCalls();
        s.Policy = s.Policy with { Metadata = s.Policy.Metadata with { DeletionRequested = true } };

        var result = await s.RunAsync();

        Assert.Equal(PolicyOutcome.Deleted, result.Outcome);
        Assert.Empty(s.Aws.Calls);
        Assert.Single(s.Aws.Rules);
        Assert.Single(s.Aws.Grants[s.Key.Arn]);
    }

    [Fact]
    public async Task Deletion_with_Delete_removes_rule_and_grants_and_restores_the_earlier_default()
    {
        var s = new Scenario(spec => spec with { DeletionPolicy = DeletionPolicy.Delete });
        s.Aws.Documents[Doc] = ["""{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{"s3BucketName":"before"}}"""];
        s.Aws.DefaultVersions[Doc] = 1;
        await s.RunAsync();
        Assert.Equal(2, s.Aws.DefaultVersions[Doc]);
        s.Aws.RuleTargets["session-audit-prod"].Add(new Ports.EventTarget("manual", "arn:aws:sqs:us-east-1:111122223333:q"));
        s.Policy = s.Policy with { Metadata = s.Policy.Metadata with { DeletionRequested = true } };

        var result = await s.RunAsync();

        Assert.Equal(PolicyOutcome.Deleted, result.Outcome);
        Assert.Equal(1, s.Aws.DefaultVersions[Doc]);
        Assert.Empty(s.Aws.Grants[s.Key.Arn]);
        // The rule keeps a target the operator did not make, so only our targets go and the rule stays.
        Assert.Equal("manual", Assert.Single(s.Aws.RuleTargets["session-audit-prod"]).Id);
        Assert.Contains(result.Events, e => e.Reason == "DocumentRestored");

        s.Aws.RuleTargets["session-audit-prod"].Clear();
        await s.RunAsync();
        Assert.Empty(s.Aws.Rules);
    }

    [Fact]
    public async Task A_document_the_policy_created_is_never_restored_to_a_later_hand_edit_on_deletion()
    {
        var s = new Scenario(spec => spec with { DeletionPolicy = DeletionPolicy.Delete });
        await s.RunAsync();
        Assert.Equal(1, s.Aws.DefaultVersions[Doc]);

        // Someone edits the preferences by hand; the operator puts its content back.
        s.Aws.Documents[Doc].Add("""{"schemaVersion":"1.0","description":"by hand","sessionType":"Standard_Stream","inputs":{"s3BucketName":"elsewhere"}}""");
        s.Aws.DefaultVersions[Doc] = s.Aws.Documents[Doc].Count;
        var restored = await s.RunAsync();
        Assert.Equal("", restored.Status.Document!.VersionBeforePolicy);
        var operatorVersion = s.Aws.DefaultVersions[Doc];
        Assert.NotEqual(2, operatorVersion);

        s.Policy = s.Policy with { Metadata = s.Policy.Metadata with { DeletionRequested = true } };
        var deleted = await s.RunAsync();

        Assert.Equal(PolicyOutcome.Deleted, deleted.Outcome);
        Assert.Equal(operatorVersion, s.Aws.DefaultVersions[Doc]);
        Assert.DoesNotContain(deleted.Events, e => e.Reason == "DocumentRestored");
    }

    [Fact]
    public async Task Bad_input_becomes_a_condition_with_no_AWS_call_and_no_requeue()
    {
        var s = new Scenario(spec => spec with { Kms = new KmsSpec { KeyId = "not-a-key" }, DriftCheckInterval = "90h" });

        var result = await s.RunAsync();

        Assert.Empty(s.Aws.Calls);
        Assert.Equal((PolicyOutcome.Invalid, Retry.None), (result.Outcome, result.Retry));
        var ready = s.Condition(ConditionTypes.Ready);
        Assert.Equal(("False", "InvalidSpec"), (ready.Status, ready.Reason));
        Assert.Contains("spec.kms.keyId", ready.Message);
        Assert.Contains("spec.driftCheckInterval", ready.Message);
        Assert.Equal("True", s.Condition(ConditionTypes.Stalled).Status);
    }

    [Fact]
    public async Task Requeue_follows_the_drift_check_interval_and_the_scope_follows_the_account()
    {
        var s = new Scenario(spec => spec with { DriftCheckInterval = "2m", AccountRef = new AccountReference { Name = "audit" } });
        s.Accounts = [new AwsAccount("audit", new AwsAccountSpec
        {
            RoleArn = "arn:aws:iam::111122223333:role/audit",
            ExternalIdSecretRef = new SecretKeySelector { Name = "audit-external-id", Key = "externalId" },
            SessionTags = [new SessionTagSpec { Key = "team", Value = "platform" }],
            Guardrails = Scenario.Permissive.Spec.Guardrails,
        })];
        s.ExternalId = "ext-123";

        var result = await s.RunAsync();

        Assert.Equal(Retry.After(TimeSpan.FromMinutes(2)), result.Retry);
        Assert.Equal(new Ports.AwsScope("us-east-1", "arn:aws:iam::111122223333:role/audit", "ext-123", AccountBinding.SessionName("prod"),
            SessionTags.Of([new SessionTagSpec { Key = "team", Value = "platform" }])), s.Aws.Scopes.Single());
        Assert.StartsWith("sa-prod-", AccountBinding.SessionName("prod"), StringComparison.Ordinal);
    }
}
