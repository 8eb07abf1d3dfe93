using System.Text.Json.Nodes;
using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The world of the lifecycle scenarios: documents made by hand before the operator, a customer key, a topic.</summary>
public sealed class LifecycleWorld : OperatorWorld
{
    private const string HandMade = """'{"schemaVersion":"1.0","description":"by hand","sessionType":"Standard_Stream","inputs":{"s3BucketName":"","idleSessionTimeout":"20"}}'""";

    protected override string Seed => $"""
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                keys:
                  - alias: alias/e2e-life
                    description: lifecycle key
                buckets:
                  - {"{"}name: e2e-life-logs, encryption: AES256{"}"}
                trails:
                  - {"{"}name: e2e-trail, bucket: e2e-life-logs, logging: true{"}"}
                topics:
                  - {"{"}name: e2e-life-alerts{"}"}
                documents:
                  - {"{"}name: E2E-Retain, type: Session, format: JSON, content: {HandMade}{"}"}
                  - {"{"}name: E2E-Delete, type: Session, format: JSON, content: {HandMade}{"}"}
        """;
}

/// <summary>Conflicts, both deletion policies, and bad input (refused at admission, or a condition without AWS writes
/// and without a crash loop).</summary>
public sealed class LifecycleScenarios(LifecycleWorld fixture) : IClassFixture<LifecycleWorld>
{
    private const string Grantee = "arn:aws:iam::111122223333:role/e2e-life-instances";
    private const string Topic = "arn:aws:sns:us-east-1:111122223333:e2e-life-alerts";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestWorld World => fixture.World;

    private static string FullPolicy(string name, string document, string deletionPolicy) => $"""
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: {name}
        spec:
          region: us-east-1
          documentName: {document}
          s3: {"{"}bucketName: e2e-life-logs, keyPrefix: {name}/{"}"}
          instanceRoles: ["{Grantee}"]
          kms: {"{"}keyId: alias/e2e-life{"}"}
          alerts:
            snsTopicArns: ["{Topic}"]
          deletionPolicy: {deletionPolicy}
        """;

    private async Task<JsonArray> OurGrantsAsync(string policy) =>
        new((await World.PersonJsonAsync(["kms", "list-grants", "--key-id", "alias/e2e-life"], ct: Ct))!["Grants"]!.AsArray()
            .Where(g => ((string?)g!["Name"])?.StartsWith("session-audit-" + policy + "-", StringComparison.Ordinal) == true)
            .Select(g => g!.DeepClone()).ToArray());

    private async Task<JsonNode> DescribeDocumentAsync(string name) =>
        (await World.PersonJsonAsync(["ssm", "describe-document", "--name", name], ct: Ct))!["Document"]!;

    private async Task ConvergedAsync(string name)
    {
        await World.KubectlWaitReadyAsync(name, ct: Ct);
        var policy = await World.GetPolicyAsync(name, Ct);
        Assert.Contains("sessionaudit.io/cleanup", policy!["metadata"]!["finalizers"]!.AsArray().Select(f => (string)f!));
        Assert.Equal("2", (string?)(await DescribeDocumentAsync((string)policy["spec"]!["documentName"]!))["DefaultVersion"]);
        Assert.Single(await OurGrantsAsync(name));
    }

    [Fact]
    public async Task Deleting_a_Retain_policy_leaves_AWS_as_it_is_and_the_object_goes()
    {
        await World.ApplyAsync(FullPolicy("retain", "E2E-Retain", "Retain"), ct: Ct);
        await ConvergedAsync("retain");
        var since = DateTimeOffset.UtcNow;

        await World.KubectlAsync(["delete", "slp", "retain", "--timeout=60s"], ct: Ct);

        Assert.Null(await World.GetPolicyAsync("retain", Ct));
        var rule = await World.PersonJsonAsync(["events", "describe-rule", "--name", "session-audit-retain"], ct: Ct);
        Assert.Equal("ENABLED", (string?)rule!["State"]);
        Assert.Single((await World.PersonJsonAsync(["events", "list-targets-by-rule", "--rule", "session-audit-retain"], ct: Ct))!["Targets"]!.AsArray());
        Assert.Single(await OurGrantsAsync("retain"));
        Assert.Equal("2", (string?)(await DescribeDocumentAsync("E2E-Retain"))["DefaultVersion"]);
        Assert.Empty(World.OperatorWritesSince(since).Select(c => c.Operation));
    }

    [Fact]
    public async Task Deleting_a_Delete_policy_removes_rule_targets_and_grants_and_restores_the_earlier_default_version()
    {
        await World.ApplyAsync(FullPolicy("delete", "E2E-Delete", "Delete"), ct: Ct);
        await ConvergedAsync("delete");
        Assert.Equal("1", (string?)(await World.GetPolicyAsync("delete", Ct))!["status"]!["document"]!["versionBeforePolicy"]);

        await World.KubectlAsync(["delete", "slp", "delete", "--timeout=60s"], ct: Ct);

        Assert.Null(await World.GetPolicyAsync("delete", Ct));
        var rule = await World.PersonCliAsync(["events", "describe-rule", "--name", "session-audit-delete"], check: false, ct: Ct);
        Assert.NotEqual(0, rule.ExitCode);
        Assert.Contains("ResourceNotFoundException", rule.StdErr, StringComparison.Ordinal);
        Assert.Empty(await OurGrantsAsync("delete"));
        var document = await DescribeDocumentAsync("E2E-Delete");
        Assert.Equal("1", (string?)document["DefaultVersion"]);
        Assert.Equal("2", (string?)document["LatestVersion"]);
        Assert.Equal("", (string?)(await World.DocumentContentAsync("E2E-Delete", ct: Ct))["inputs"]!["s3BucketName"]);
    }

    [Fact]
    public async Task Of_two_policies_for_the_same_document_the_newer_gets_Conflict_and_writes_nothing()
    {
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: conflict-older
            spec:
              region: us-east-1
              documentName: E2E-Conflict
              s3: {bucketName: e2e-life-logs, keyPrefix: older/}
            """, ct: Ct);
        await World.KubectlWaitReadyAsync("conflict-older", ct: Ct);
        var version = (string?)(await DescribeDocumentAsync("E2E-Conflict"))["LatestVersion"];
        var since = DateTimeOffset.UtcNow;

        // creationTimestamp has whole seconds, and within one second the name decides ("conflict-newer" sorts first):
        // the newer policy must be created in a later second than the older one to be the newer.
        var created = DateTimeOffset.Parse((string)(await World.GetPolicyAsync("conflict-older", Ct))!["metadata"]!["creationTimestamp"]!, System.Globalization.CultureInfo.InvariantCulture);
        while (DateTimeOffset.UtcNow < created.AddSeconds(1.05))
        {
            await Task.Delay(50, Ct);
        }

        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: conflict-newer
            spec:
              region: us-east-1
              documentName: E2E-Conflict
              s3: {bucketName: e2e-life-logs, keyPrefix: newer/}
              alerts:
                snsTopicArns: ["arn:aws:sns:us-east-1:111122223333:e2e-life-alerts"]
            """, ct: Ct);

        var newer = await World.WaitForConditionAsync("conflict-newer", "Ready", "False", "Conflict", ct: Ct);
        Assert.Contains("conflict-older", (string?)PolicyWorld.Condition(newer, "Ready")!["message"]);
        Assert.Equal("True", (string?)PolicyWorld.Condition(newer, "Stalled")!["status"]);
        Assert.Equal("True", (string?)PolicyWorld.Condition(await World.GetPolicyAsync("conflict-older", Ct), "Ready")!["status"]);

        // Let the resync pass over both again before looking at AWS.
        await World.WaitForOperatorCallsAsync("GetDocument", 2, since, ct: Ct);
        Assert.Empty(World.OperatorWritesSince(since).Select(c => c.Operation));
        Assert.Equal(version, (string?)(await DescribeDocumentAsync("E2E-Conflict"))["LatestVersion"]);
        Assert.Equal("older/", (string?)(await World.DocumentContentAsync("E2E-Conflict", ct: Ct))["inputs"]!["s3KeyPrefix"]);
        var rule = await World.PersonCliAsync(["events", "describe-rule", "--name", "session-audit-conflict-newer"], check: false, ct: Ct);
        Assert.NotEqual(0, rule.ExitCode);
        await World.KubectlAsync(["delete", "slp", "conflict-newer", "--timeout=60s"], ct: Ct);
    }

    [Fact]
    public async Task Bad_input_is_rejected_at_admission_by_kubectl_with_the_field_paths()
    {
        var result = await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: bad-schema
            spec:
              region: Mars
              session:
                idleTimeoutMinutes: 90
                runAs: {defaultUser: ops}
              mode: Sometimes
            """, check: false, ct: Ct);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.region", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("spec.session.idleTimeoutMinutes", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("spec.mode", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("runAs", result.StdErr, StringComparison.Ordinal);
        Assert.Null(await World.GetPolicyAsync("bad-schema", Ct));
    }

    [Fact]
    public async Task A_spec_the_schema_admits_but_the_domain_refuses_gets_InvalidSpec_no_AWS_call_and_no_crash()
    {
        var since = DateTimeOffset.UtcNow;
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: bad-domain
            spec:
              region: us-east-1
              documentName: E2E-BadDomain
              alerts:
                snsTopicArns: ["arn:aws:sns:eu-west-1:111122223333:elsewhere"]
            """, ct: Ct);

        var policy = await World.WaitForConditionAsync("bad-domain", "Ready", "False", "InvalidSpec", ct: Ct);
        var message = (string)PolicyWorld.Condition(policy, "Ready")!["message"]!;
        Assert.Contains("spec.alerts.snsTopicArns[0]", message, StringComparison.Ordinal);
        Assert.Contains("us-east-1", message, StringComparison.Ordinal);
        Assert.Equal("True", (string?)PolicyWorld.Condition(policy, "Stalled")!["status"]);
        Assert.Contains(await World.PolicyEventsAsync("bad-domain", Ct), e => e.Reason == "InvalidSpec" && e.Type == "Warning");

        // The operator keeps working: a valid policy applied after it converges, the process is still the same one,
        // and nothing was written for the invalid policy.
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: after-bad-domain
            spec:
              region: us-east-1
              documentName: E2E-AfterBadDomain
            """, ct: Ct);
        await World.KubectlWaitReadyAsync("after-bad-domain", ct: Ct);
        fixture.AssertOperatorAlive();
        Assert.Equal(["CreateDocument"], World.OperatorWritesSince(since).Select(c => c.Operation).Distinct());
        var document = await World.PersonCliAsync(["ssm", "describe-document", "--name", "E2E-BadDomain"], check: false, ct: Ct);
        Assert.Contains("InvalidDocument", document.StdErr, StringComparison.Ordinal);
        var rule = await World.PersonCliAsync(["events", "describe-rule", "--name", "session-audit-bad-domain"], check: false, ct: Ct);
        Assert.Contains("ResourceNotFoundException", rule.StdErr, StringComparison.Ordinal);
        var again = await World.GetPolicyAsync("bad-domain", Ct);
        Assert.Equal("InvalidSpec", (string?)PolicyWorld.Condition(again, "Ready")!["reason"]);
    }
}
