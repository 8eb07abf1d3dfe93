using SessionAudit.Policy.Model;
using SessionAudit.Policy.Validation;
using Xunit;

namespace SessionAudit.Policy.Tests.Model;

public sealed class ManifestTests
{
    [Fact]
    public void Every_example_in_deploy_examples_parses_and_is_valid()
    {
        var files = Directory.GetFiles(RepositoryFiles.PathOf("deploy/examples"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var policies = PolicyManifest.Parse(text);
            Assert.True(policies.Count + PolicyManifest.ParseAccounts(text).Count > 0, $"{Path.GetFileName(file)} holds no policy and no AwsAccount");
            foreach (var p in policies)
            {
                Assert.True(PolicyValidator.Validate(p.Spec).Count == 0, $"{Path.GetFileName(file)} {p.Metadata.Name}: {string.Join("; ", PolicyValidator.Validate(p.Spec))}");
            }
        }
    }

    [Fact]
    public void A_manifest_with_YAML_aliases_is_refused_before_anything_is_expanded()
    {
        // The classic "billion laughs": 615 bytes that expand to gigabytes.
        var laughs = new System.Text.StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var c = 'b'; c <= 'i'; c++)
        {
            var prev = (char)(c - 1);
            laughs.Append(c).Append(": &").Append(c).Append(" [").Append(string.Join(",", Enumerable.Repeat("*" + prev, 9))).Append("]\n");
        }

        laughs.Append("kind: SessionLoggingPolicy\napiVersion: sessionaudit.io/v1alpha1\nmetadata: {name: x}\nspec: {region: us-east-1, documentName: *i}\n");
        var before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<FormatException>(() => PolicyManifest.Parse(laughs.ToString()));

        Assert.Contains("YAML alias *a at line 2", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "nothing was expanded");
    }

    [Fact]
    public void A_merge_key_is_an_alias_too()
    {
        var e = Assert.Throws<FormatException>(() => PolicyManifest.Parse("""
            base: &base {region: us-east-1}
            kind: SessionLoggingPolicy
            apiVersion: sessionaudit.io/v1alpha1
            metadata: {name: x}
            spec:
              <<: *base
            """));

        Assert.Contains("aliases are not accepted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_types_follow_the_core_schema_and_defaults_fill_the_rest()
    {
        var p = Assert.Single(PolicyManifest.Parse("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata: {name: a, uid: u1, generation: 3, creationTimestamp: "2025-01-02T03:04:05Z"}
            spec:
              region: us-east-1
              session: {idleTimeoutMinutes: 30, runAs: {enabled: true, defaultUser: "1001"}}
              mode: Observe
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: other}
            """));
        Assert.Equal(("a", "u1", 3L), (p.Metadata.Name, p.Metadata.Uid, p.Metadata.Generation));
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), p.Metadata.CreationTimestamp);
        Assert.Equal(30, p.Spec.Session!.IdleTimeoutMinutes);
        Assert.Equal("1001", p.Spec.Session.RunAs!.DefaultUser);
        Assert.Equal(PolicyMode.Observe, p.Spec.Mode);
        Assert.Equal(SessionLoggingPolicySpec.DefaultDocumentName, p.Spec.DocumentName);
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_a_FormatException_naming_the_path()
    {
        var e = Assert.Throws<FormatException>(() => PolicyManifest.Parse("kind: SessionLoggingPolicy\nmetadata: {name: a}\nspec: {region: us-east-1, session: {idleTimeoutMinutes: soon}}\n"));
        Assert.Contains("idleTimeoutMinutes", e.Message);
    }

    [Fact]
    public void Status_round_trips_with_kubernetes_times()
    {
        var status = new SessionLoggingPolicyStatus
        {
            ObservedGeneration = 2,
            LastSyncTime = new DateTimeOffset(2025, 1, 2, 3, 4, 5, 600, TimeSpan.Zero),
            Conditions = [new Condition { Type = "Ready", Status = "True", Reason = "Synced", Message = "ok", LastTransitionTime = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)) }],
        };
        var json = System.Text.Json.JsonSerializer.Serialize(status, PolicyJson.Options);
        Assert.Contains("\"lastSyncTime\":\"2025-01-02T03:04:05Z\"", json);
        Assert.Contains("\"lastTransitionTime\":\"2025-01-02T01:04:05Z\"", json);
        Assert.DoesNotContain("ruleArn", json);
        var back = System.Text.Json.JsonSerializer.Deserialize<SessionLoggingPolicyStatus>(json, PolicyJson.Options)!;
        Assert.Equal("Synced", back.Conditions![0].Reason);
    }
}
