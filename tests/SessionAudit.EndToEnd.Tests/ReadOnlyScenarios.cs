using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Operator.Sandbox;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The world of the scenarios that must write nothing: every concern present, so a no-op pass reads them all.</summary>
public sealed class ReadOnlyWorld : OperatorWorld
{
    protected override string Seed => """
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                keys:
                  - alias: alias/e2e-sessions
                    description: session key
                buckets:
                  - {name: e2e-ro-logs, encryption: aws:kms, kmsKey: alias/e2e-sessions}
                logGroups:
                  - {name: /e2e/ro, kmsKey: alias/e2e-sessions}
                trails:
                  - {name: e2e-trail, bucket: e2e-ro-logs, logging: true}
                topics:
                  - {name: e2e-ro-alerts}
                documents:
                  - name: E2E-Observed
                    type: Session
                    format: JSON
                    content: '{"schemaVersion":"1.0","description":"by hand","sessionType":"Standard_Stream","inputs":{"s3BucketName":"old-bucket","s3EncryptionEnabled":true,"idleSessionTimeout":"20"}}'
                  - name: E2E-Planned
                    type: Session
                    format: JSON
                    content: '{"schemaVersion":"1.0","description":"by hand","sessionType":"Standard_Stream","inputs":{"s3BucketName":"old-bucket","s3EncryptionEnabled":true,"idleSessionTimeout":"20"}}'
        """;
}

/// <summary>Nothing is written that the spec does not ask for: a converged policy's reconcile makes zero AWS writes,
/// Observe mode reports drift and writes nothing, and `session-audit plan` prints field paths and writes nothing.</summary>
public sealed class ReadOnlyScenarios(ReadOnlyWorld fixture) : IClassFixture<ReadOnlyWorld>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestWorld World => fixture.World;

    [Fact]
    public async Task A_reconcile_with_nothing_to_change_makes_zero_AWS_write_calls()
    {
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: noop
            spec:
              region: us-east-1
              documentName: E2E-NoOp
              s3: {bucketName: e2e-ro-logs, keyPrefix: noop/}
              cloudWatch: {logGroupName: /e2e/ro}
              instanceRoles: ["arn:aws:iam::111122223333:role/e2e-instances"]
              kms: {keyId: alias/e2e-sessions}
              session: {idleTimeoutMinutes: 25}
              alerts:
                snsTopicArns: ["arn:aws:sns:us-east-1:111122223333:e2e-ro-alerts"]
              driftCheckInterval: 30s
            """, ct: Ct);
        await World.KubectlWaitReadyAsync("noop", ct: Ct);

        var since = DateTimeOffset.UtcNow;
        // Two more whole passes (the --resync 5s re-queues the policy): the rule's targets are the last thing it reads.
        await World.WaitForOperatorCallsAsync("ListTargetsByRule", 2, since, ct: Ct);

        var reads = World.OperatorCalls().Where(c => c.Time >= since).ToList();
        Assert.Contains(reads, c => c.Operation == "GetDocument");
        Assert.Contains(reads, c => c.Operation == "ListGrants");
        Assert.Contains(reads, c => c.Operation == "ListTargetsByRule");
        Assert.Empty(World.OperatorWritesSince(since).Select(c => $"{c.Service}:{c.Operation}"));
        Assert.Equal("True", (string?)PolicyWorld.Condition(await World.GetPolicyAsync("noop", Ct), "Ready")!["status"]);
    }

    [Fact]
    public async Task Observe_mode_reports_drift_by_field_path_and_writes_nothing()
    {
        var since = DateTimeOffset.UtcNow;
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: observed
            spec:
              region: us-east-1
              documentName: E2E-Observed
              mode: Observe
              s3: {bucketName: e2e-ro-logs, keyPrefix: observed/}
              alerts:
                snsTopicArns: ["arn:aws:sns:us-east-1:111122223333:e2e-ro-alerts"]
            """, ct: Ct);

        var policy = await World.WaitForConditionAsync("observed", "PreferencesSynced", "False", "DriftDetected", ct: Ct);
        var drift = policy!["status"]!["drift"]!.AsArray().Select(d => (string)d!).ToList();
        Assert.Contains("document.inputs.s3BucketName", drift);
        Assert.Contains("document.inputs.s3KeyPrefix", drift);
        Assert.Contains("rule", drift);
        Assert.Equal("False", (string?)PolicyWorld.Condition(policy, "AlertsReady")!["status"]);
        Assert.Equal("False", (string?)PolicyWorld.Condition(policy, "Ready")!["status"]);

        // Let it look again at its next resync, then check AWS is as it was.
        await World.WaitForOperatorCallsAsync("DescribeRule", 2, since, ct: Ct);
        var described = (await World.PersonJsonAsync(["ssm", "describe-document", "--name", "E2E-Observed"], ct: Ct))!["Document"]!;
        Assert.Equal("1", (string?)described["LatestVersion"]);
        Assert.Equal("old-bucket", (string?)(await World.DocumentContentAsync("E2E-Observed", ct: Ct))["inputs"]!["s3BucketName"]);
        var rules = await World.PersonJsonAsync(["events", "list-rules", "--name-prefix", "session-audit-observed"], ct: Ct);
        Assert.Empty(rules!["Rules"]!.AsArray());
        Assert.Empty(World.OperatorWritesSince(since).Select(c => $"{c.Service}:{c.Operation}"));
    }

    [Fact]
    public async Task Plan_prints_the_changes_by_field_path_and_writes_nothing()
    {
        var file = Path.Combine(World.Directory, "plan.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: planned
            spec:
              region: us-east-1
              documentName: E2E-Planned
              s3: {bucketName: e2e-ro-logs, keyPrefix: planned/}
              session: {idleTimeoutMinutes: 45}
              alerts:
                snsTopicArns: ["arn:aws:sns:us-east-1:111122223333:e2e-ro-alerts"]
            """, Ct);

        var since = DateTimeOffset.UtcNow;
        var calls = World.Aws.CallLog.Count;
        var result = (await Tool.RunAsync("dotnet", [Tools.OperatorDll, "plan", "-f", file], World.AwsEnvironment, ct: Ct)).EnsureSuccess("session-audit plan");

        Assert.Contains("SessionLoggingPolicy planned", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("~ document.inputs.s3BucketName: \"old-bucket\" -> \"e2e-ro-logs\"", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("~ document.inputs.idleSessionTimeout: \"20\" -> \"45\"", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("+ document.inputs.s3KeyPrefix", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("+ rule[session-audit-planned]", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("+ rule.targets[sa-", result.StdOut, StringComparison.Ordinal);

        var planCalls = World.Aws.CallLog.Skip(calls).Where(c => c.AccessKeyId == SandboxWorld.AccessKeyId).ToList();
        Assert.Contains(planCalls, c => c.Operation == "GetDocument");
        Assert.Empty(planCalls.Where(c => c.IsWrite).Select(c => $"{c.Service}:{c.Operation}"));
        var described = (await World.PersonJsonAsync(["ssm", "describe-document", "--name", "E2E-Planned"], ct: Ct))!["Document"]!;
        Assert.Equal("1", (string?)described["LatestVersion"]);
        Assert.Null(await World.GetPolicyAsync("planned", Ct));
    }
}
