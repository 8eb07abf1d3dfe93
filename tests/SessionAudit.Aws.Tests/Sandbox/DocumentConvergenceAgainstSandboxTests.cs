using System.Text.Json.Nodes;
using CsCheck;
using SessionAudit.Aws.Tests.Support;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Planning;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Reconciliation;
using Xunit;

namespace SessionAudit.Aws.Tests.Sandbox;

/// <summary>The reconciler with the real SSM adapter against the AWS sandbox: PreferencesSynced is True only when the
/// default version read back from SSM has the spec's preferences, on every path (reverts, hand edits, YAML, the version limit).</summary>
public sealed class DocumentConvergenceAgainstSandboxTests(SandboxFixture fixture)
{
    private const string Region = "eu-west-1";
    private static readonly AwsScope Scope = new(Region);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh account with an unencrypted log bucket of its own (bucket names are global, as in S3).</summary>
    private SandboxAccount NewAccount(out string bucket, string documents = "")
    {
        bucket = "conv-" + Guid.NewGuid().ToString("N")[..12];
        return fixture.NewAccount($"""
            - name: {Region}
              buckets:
                - name: {bucket}
            {documents}
            """);
    }

    private sealed class Run(SandboxAccount account, string documentName, string bucket, string prefix)
    {
        private readonly PolicyReconciler _reconciler = new(account.Factory, TimeProvider.System);

        public SessionLoggingPolicy Policy { get; private set; } = new(
            new PolicyMetadata("prefs", "7c1c2d3e-0000-4000-8000-000000000001", 1, DateTimeOffset.UtcNow.AddDays(-1)),
            new SessionLoggingPolicySpec
            {
                Region = Region,
                DocumentName = documentName,
                S3 = new S3LoggingSpec { BucketName = bucket, KeyPrefix = prefix, EncryptionRequired = false },
                Session = new SessionSpec { IdleTimeoutMinutes = 20 },
                DriftCheckInterval = "5m",
            });

        public IPreferencesDocumentPort Documents { get; } = account.Factory.For(Scope).Documents;

        public void Edit(Func<SessionLoggingPolicySpec, SessionLoggingPolicySpec> edit) =>
            Policy = Policy with { Spec = edit(Policy.Spec), Metadata = Policy.Metadata with { Generation = Policy.Metadata.Generation + 1 } };

        public async Task<ReconcileResult> ReconcileAsync()
        {
            var result = await _reconciler.ReconcileAsync(Policy, [], ReconcileMode.Apply, Ct);
            Policy = Policy with { Status = result.Status };
            return result;
        }

        public Condition Condition(string type) => Policy.Status!.Conditions!.Single(c => c.Type == type);

        public async Task<JsonObject> DefaultContentAsync() =>
            (JsonObject)JsonNode.Parse((await Documents.GetAsync(Policy.Spec.DocumentName, Ct))!.Content)!;

        /// <summary>Another writer (console, CloudFormation) saves a version and makes it the default.</summary>
        public async Task EditByHandAsync(string prefix)
        {
            var content = await DefaultContentAsync();
            content["inputs"]!["s3KeyPrefix"] = prefix;
            var version = await Documents.UpdateAsync(Policy.Spec.DocumentName, content.ToJsonString(), null, Ct);
            if (version is not null)
            {
                await Documents.SetDefaultVersionAsync(Policy.Spec.DocumentName, version, Ct);
            }
        }
    }

    [Fact]
    public async Task A_prefix_changed_and_reverted_leaves_the_default_at_the_reverted_value_within_one_reconcile()
    {
        using var account = NewAccount(out var bucket);
        var run = new Run(account, "SSM-SessionManagerRunShell", bucket, "a/");
        await run.ReconcileAsync();
        run.Edit(s => s.WithPrefix("b/"));
        await run.ReconcileAsync();
        Assert.Equal("b/", (string?)(await run.DefaultContentAsync())["inputs"]!["s3KeyPrefix"]);

        run.Edit(s => s.WithPrefix("a/"));
        await run.ReconcileAsync();

        Assert.Equal("a/", (string?)(await run.DefaultContentAsync())["inputs"]!["s3KeyPrefix"]);
        Assert.Equal("True", run.Condition(ConditionTypes.PreferencesSynced).Status);
        Assert.Equal("1", (await run.Documents.GetAsync("SSM-SessionManagerRunShell", Ct))!.DefaultVersion);
    }

    [Fact]
    public async Task Synced_is_True_only_when_the_default_read_back_from_SSM_has_the_spec_over_random_edit_sequences()
    {
        var step = Gen.Int[0, 2].Select(Gen.Int[0, 2], (kind, value) => (kind, value));
        var seq = 0;
        await Gen.Int[1, 7].SelectMany(n => step.Array[n]).SampleAsync(async steps =>
        {
            using var account = NewAccount(out var bucket);
            var run = new Run(account, $"Prefs-{Interlocked.Increment(ref seq)}", bucket, "p0/");
            await run.ReconcileAsync();
            foreach (var (kind, value) in steps)
            {
                if (kind == 0)
                {
                    run.Edit(s => s.WithPrefix($"p{value}/"));
                }
                else if (kind == 1)
                {
                    run.Edit(s => s with { Session = new SessionSpec { IdleTimeoutMinutes = 20 + value } });
                }
                else
                {
                    await run.EditByHandAsync($"hand{value}/");
                }

                await run.ReconcileAsync();
                var current = await run.DefaultContentAsync();
                var matches = JsonFieldDiff.Compare(PreferencesContent.Desired(run.Policy.Spec, current), current).Count == 0;
                var synced = run.Condition(ConditionTypes.PreferencesSynced);
                if (synced.Status == "True" != matches || (!matches && synced.Reason != "ConflictingWriter"))
                {
                    return false;
                }
            }

            return true;
        }, iter: 25, threads: 1);
    }

    [Fact]
    public async Task A_document_stored_as_YAML_is_adopted_not_replaced()
    {
        using var account = NewAccount(out var bucket, """
              documents:
                - name: Yaml-Adopted
                  type: Session
                  format: YAML
                  content: |
                    schemaVersion: '1.0'
                    description: saved as YAML by the console team
                    sessionType: Standard_Stream
                    inputs:
                      idleSessionTimeout: '30'
            """);
        var run = new Run(account, "Yaml-Adopted", bucket, "p0/");

        var result = await run.ReconcileAsync();

        Assert.Equal("True", run.Condition(ConditionTypes.PreferencesSynced).Status);
        // Adopted: only the fields that differ are planned; content that could not be read would be replaced whole.
        Assert.Contains(result.Plan.Changes, c => c.Path == "document.inputs.idleSessionTimeout" && c.Current == "\"30\"");
        Assert.DoesNotContain(result.Plan.Notes, n => n.Contains("not a JSON object", StringComparison.Ordinal));
        Assert.Equal("saved as YAML by the console team", (string?)(await run.DefaultContentAsync())["description"]);
    }

    [Fact]
    public async Task At_SSMs_limit_of_1000_versions_the_oldest_versions_the_policy_wrote_make_room()
    {
        using var account = NewAccount(out var bucket);
        var run = new Run(account, "Full-Prefs", bucket, "v0/");
        await run.ReconcileAsync();
        // Fill the document up to the limit with versions written under the policy's version names.
        var content = await run.DefaultContentAsync();
        for (var i = 2; i <= 1000; i++)
        {
            content["description"] = $"revision {i}";
            var text = content.ToJsonString();
            Assert.NotNull(await run.Documents.UpdateAsync("Full-Prefs", text, ResourceNames.DocumentVersion("prefs", text), Ct));
        }

        var full = await Assert.ThrowsAsync<AwsFailure>(() => run.Documents.UpdateAsync("Full-Prefs", content.ToJsonString() + " ", null, Ct));
        Assert.Equal("DocumentVersionLimitExceeded", full.Code);

        run.Edit(s => s.WithPrefix("v1/"));
        var result = await run.ReconcileAsync();

        Assert.Equal("True", run.Condition(ConditionTypes.PreferencesSynced).Status);
        Assert.Equal("v1/", (string?)(await run.DefaultContentAsync())["inputs"]!["s3KeyPrefix"]);
        var versions = await run.Documents.ListVersionsAsync("Full-Prefs", Ct);
        Assert.Equal(1000 - PolicyReconciler.VersionsPrunedAtLimit + 1, versions.Count);
        Assert.Equal("1001", versions[0].Version);
        Assert.Contains(versions, v => v.Version == "1");
        Assert.Contains(result.Events, e => e.Reason == "DocumentVersionsPruned");
    }
}

internal static class SpecPrefix
{
    public static SessionLoggingPolicySpec WithPrefix(this SessionLoggingPolicySpec spec, string prefix) =>
        spec with { S3 = spec.S3! with { KeyPrefix = prefix } };
}
