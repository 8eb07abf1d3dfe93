using System.Text.Json.Nodes;
using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>The Argo CD health script, run by Lua 5.1 (the language Argo CD embeds) on sample policies.</summary>
public sealed class ArgoCdHealthTests
{
    private static readonly string Script = RepoPaths.In("deploy", "argocd", "health.lua");

    [Fact]
    public async Task Ready_at_the_current_generation_is_Healthy()
    {
        var health = await RunAsync(Policy(generation: 3, observed: 3,
            Condition("Ready", "True", "Reconciled", "AWS matches the spec", 3),
            Condition("Reconciling", "False", "Reconciled", "", 3),
            Condition("Stalled", "False", "Reconciled", "", 3)));
        Assert.Equal("Healthy", health.Status);
        Assert.Contains("AWS matches the spec", health.Message);
    }

    [Fact]
    public async Task A_stale_observed_generation_is_Progressing_even_when_Ready()
    {
        var health = await RunAsync(Policy(generation: 4, observed: 3,
            Condition("Ready", "True", "Reconciled", "AWS matches the spec", 3)));
        Assert.Equal("Progressing", health.Status);
        Assert.Contains("generation 4", health.Message);
    }

    [Fact]
    public async Task A_Ready_condition_from_an_older_generation_is_Progressing()
    {
        var health = await RunAsync(Policy(generation: 4, observed: 4,
            Condition("Ready", "True", "Reconciled", "old news", 3)));
        Assert.Equal("Progressing", health.Status);
    }

    [Fact]
    public async Task Stalled_is_Degraded_with_its_reason_and_message()
    {
        var health = await RunAsync(Policy(generation: 2, observed: 2,
            Condition("Ready", "False", "BucketNotEncrypted", "bucket acme-session-logs has no default encryption", 2),
            Condition("Stalled", "True", "BucketNotEncrypted", "bucket acme-session-logs has no default encryption", 2)));
        Assert.Equal("Degraded", health.Status);
        Assert.Equal("BucketNotEncrypted: bucket acme-session-logs has no default encryption", health.Message);
    }

    [Fact]
    public async Task No_status_yet_is_Progressing()
    {
        var health = await RunAsync(new JsonObject
        {
            ["apiVersion"] = "sessionaudit.io/v1alpha1",
            ["kind"] = "SessionLoggingPolicy",
            ["metadata"] = new JsonObject { ["name"] = "audit-default", ["generation"] = 1 },
            ["spec"] = new JsonObject { ["region"] = "us-east-1" },
        });
        Assert.Equal("Progressing", health.Status);
    }

    [Fact]
    public async Task Reconciling_without_Ready_True_is_Progressing_with_the_Ready_message()
    {
        var health = await RunAsync(Policy(generation: 1, observed: 1,
            Condition("Ready", "False", "Reconciling", "creating KMS grants", 1),
            Condition("Reconciling", "True", "Reconciling", "creating KMS grants", 1)));
        Assert.Equal("Progressing", health.Status);
        Assert.Equal("Reconciling: creating KMS grants", health.Message);
    }

    [Fact]
    public async Task Status_without_conditions_is_Progressing()
    {
        var policy = Policy(generation: 1, observed: 1);
        var health = await RunAsync(policy);
        Assert.Equal("Progressing", health.Status);
    }

    [Fact]
    public async Task Argocd_cm_snippet_carries_exactly_the_health_script_under_the_right_key()
    {
        var configMap = Manifests.ParseFile(RepoPaths.In("deploy", "argocd", "argocd-cm.yaml")).Single("ConfigMap", "argocd-cm");
        Assert.Equal("argocd", Manifests.Namespace(configMap));
        var embedded = (string?)configMap.At("data")!["resource.customizations.health.sessionaudit.io_SessionLoggingPolicy"];
        Assert.Equal(File.ReadAllText(Script).ReplaceLineEndings("\n"), embedded);

        // The script Argo CD would run is the embedded one: prove it behaves the same.
        var copy = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(copy, embedded, TestContext.Current.CancellationToken);
            var health = await RunAsync(Policy(1, 1, Condition("Ready", "True", "Reconciled", "ok", 1)), copy);
            Assert.Equal("Healthy", health.Status);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private sealed record Health(string Status, string Message);

    private static JsonObject Policy(long generation, long observed, params JsonObject[] conditions) => new()
    {
        ["apiVersion"] = "sessionaudit.io/v1alpha1",
        ["kind"] = "SessionLoggingPolicy",
        ["metadata"] = new JsonObject { ["name"] = "audit-default", ["generation"] = generation },
        ["spec"] = new JsonObject { ["region"] = "us-east-1" },
        ["status"] = new JsonObject
        {
            ["observedGeneration"] = observed,
            ["conditions"] = new JsonArray(conditions.Cast<JsonNode>().ToArray()),
        },
    };

    private static JsonObject Condition(string type, string status, string reason, string message, long observedGeneration) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["reason"] = reason,
        ["message"] = message,
        ["observedGeneration"] = observedGeneration,
        ["lastTransitionTime"] = "2025-01-01T00:00:00Z",
    };

    // Argo CD runs the script as a chunk with the object in the global `obj` and reads the table it returns.
    private static async Task<Health> RunAsync(JsonObject policy, string? script = null)
    {
        var lua = new Tool(Tool.Locate("SESSION_AUDIT_LUA", "/usr/bin/lua5.1"));
        var driver = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(driver, $$"""
                obj = {{LuaLiteral.From(policy)}}
                local chunk = assert(loadfile(arg[1]))
                local hs = chunk()
                io.write(hs.status, "\n", hs.message or "", "\n")
                """, TestContext.Current.CancellationToken);
            var result = (await lua.RunAsync([driver, script ?? Script], TestContext.Current.CancellationToken)).EnsureSuccess();
            var lines = result.StdOut.Split('\n');
            return new Health(lines[0], lines.Length > 1 ? lines[1] : "");
        }
        finally
        {
            File.Delete(driver);
        }
    }
}
