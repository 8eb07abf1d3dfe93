using System.Text.Json.Nodes;
using SessionAudit.EndToEnd.Tests.Support;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>The world of proven logging: a bucket encrypted with a customer-managed key, and two instances whose roles
/// the policy does and does not name (so only one gets a grant on the bucket's key).</summary>
public sealed class ProvenLoggingWorld : OperatorWorld
{
    public const string Granted = "i-0e2e000000000b001";
    public const string NotGranted = "i-0e2e000000000b002";
    public const string GrantedRole = "arn:aws:iam::111122223333:role/e2e-proven-granted";
    public const string OtherRole = "arn:aws:iam::111122223333:role/e2e-proven-other";

    protected override string Seed => $$"""
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                keys:
                  - {alias: alias/e2e-proven, description: bucket key}
                buckets:
                  - {name: e2e-proven-logs, encryption: "aws:kms", kmsKey: alias/e2e-proven}
                trails:
                  - {name: e2e-trail, bucket: e2e-proven-logs, logging: true}
                instances:
                  - {id: {{Granted}}, iamRole: "{{GrantedRole}}", platformType: Linux, platformName: "Amazon Linux", platformVersion: "2023", agentVersion: 3.3.40.0, computerName: granted}
                  - {id: {{NotGranted}}, iamRole: "{{OtherRole}}", platformType: Linux, platformName: "Amazon Linux", platformVersion: "2023", agentVersion: 3.3.40.0, computerName: other}
        """;
}

/// <summary>S13, end to end: a session whose instance may use the bucket's key leaves its transcript in S3, one whose
/// instance may not leaves nothing; the report, the policy's status and its condition say which.</summary>
public sealed class ProvenLoggingScenarios(ProvenLoggingWorld fixture) : IClassFixture<ProvenLoggingWorld>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestWorld World => fixture.World;

    /// <summary>aws ssm start-session as the person, without session-manager-plugin: the CLI starts the session, cannot run
    /// the plugin, and terminates it (awscli/customizations/sessionmanager.py). Returns the session's id.</summary>
    private async Task<string> SessionAsync(string target, string? document = null)
    {
        string[] args = document is null ? ["ssm", "start-session", "--target", target] : ["ssm", "start-session", "--target", target, "--document-name", document];
        var env = new Dictionary<string, string?>(World.AwsEnvironment) { ["AWS_ACCESS_KEY_ID"] = PolicyWorld.PersonAccessKeyId, ["PATH"] = "/usr/bin:/bin" };
        var started = await Tool.RunAsync(Tools.AwsCli, ["--endpoint-url", World.Aws.Url.ToString().TrimEnd('/'), "--output", "json", .. args], env, ct: Ct);
        Assert.Contains("SessionManagerPlugin is not found", started.StdErr, StringComparison.Ordinal);
        var history = await World.PersonJsonAsync(["ssm", "describe-sessions", "--state", "History", "--filters", $"key=Target,value={target}"], ct: Ct);
        return (string)history!["Sessions"]!.AsArray().First(s => document is null || (string?)s!["DocumentName"] == document)!["SessionId"]!;
    }

    [Fact]
    public async Task A_session_on_an_instance_with_a_grant_on_the_bucket_key_is_logged_and_one_without_is_counted_missing()
    {
        await World.ApplyAsync($$"""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: proven
            spec:
              region: us-east-1
              s3: {bucketName: e2e-proven-logs, keyPrefix: proven/, encryptionRequired: true}
              instanceRoles: ["{{ProvenLoggingWorld.GrantedRole}}"]
              report: {interval: 1m, logGraceMinutes: 0}
            """, ct: Ct);
        await World.KubectlWaitReadyAsync("proven", ct: Ct);

        var logged = await SessionAsync(ProvenLoggingWorld.Granted);
        var lost = await SessionAsync(ProvenLoggingWorld.NotGranted);
        var forwarded = await SessionAsync(ProvenLoggingWorld.Granted, "AWS-StartPortForwardingSession");

        // What the SSM Agent left in the bucket, read with the AWS CLI.
        var listed = await World.PersonJsonAsync(["s3api", "list-objects-v2", "--bucket", "e2e-proven-logs", "--prefix", "proven/"], ct: Ct);
        var keys = listed?["Contents"]?.AsArray().Select(o => (string)o!["Key"]!).ToList() ?? [];
        Assert.Contains($"proven/{logged}.log", keys);
        Assert.DoesNotContain($"proven/{lost}.log", keys);
        Assert.DoesNotContain($"proven/{forwarded}.log", keys);

        // The report, as a person runs it: moments after the sessions ended, within the default grace period, the lost log
        // may still be on its way; with no grace period it is missing.
        var early = (await Tool.RunAsync("dotnet", [Tools.OperatorDll, "report", "--region", "us-east-1", "--format", "json"], World.AwsEnvironment, ct: Ct))
            .EnsureSuccess("session-audit report --format json");
        var earlyLost = JsonNode.Parse(early.StdOut)!["sessions"]!.AsArray().Single(r => (string?)r!["sessionId"] == lost)!;
        Assert.Null((bool?)earlyLost["logDelivered"]);
        Assert.Contains("the upload may be under way", (string?)earlyLost["logNote"], StringComparison.Ordinal);
        var json = (await Tool.RunAsync("dotnet", [Tools.OperatorDll, "report", "--region", "us-east-1", "--format", "json", "--log-grace-minutes", "0"], World.AwsEnvironment, ct: Ct))
            .EnsureSuccess("session-audit report --format json --log-grace-minutes 0");
        var rows = JsonNode.Parse(json.StdOut)!["sessions"]!.AsArray().ToDictionary(r => (string)r!["sessionId"]!);
        Assert.True((bool?)rows[logged]!["logDelivered"]);
        Assert.Equal($"s3://e2e-proven-logs/proven/{logged}.log", ((string?)rows[logged]!["logLocation"])?.Split(' ')[0]);
        Assert.False((bool?)rows[lost]!["logDelivered"]);
        Assert.Null((bool?)rows[forwarded]!["logDelivered"]);
        // Why, and what to do: the instance's role (EC2 instance profile, then IAM) has no grant on the bucket's key.
        var key = (string)(await World.PersonJsonAsync(["kms", "describe-key", "--key-id", "alias/e2e-proven"], ct: Ct))!["KeyMetadata"]!["Arn"]!;
        Assert.Equal(ProvenLoggingWorld.OtherRole, (string?)rows[lost]!["instanceRole"]);
        Assert.Equal(
            $"no object s3://e2e-proven-logs/proven/{lost}.log: instance role {ProvenLoggingWorld.OtherRole} needs kms:GenerateDataKey on the bucket's key {key}: add it to the policy's spec.instanceRoles so the operator grants it",
            (string?)rows[lost]!["logNote"]);
        Assert.Null((string?)rows[logged]!["instanceRole"]);
        var table = (await Tool.RunAsync("dotnet", [Tools.OperatorDll, "report", "--region", "us-east-1", "--log-grace-minutes", "0"], World.AwsEnvironment, ct: Ct)).EnsureSuccess("session-audit report");
        Assert.Contains($"add it to the policy's spec.instanceRoles", table.StdOut, StringComparison.Ordinal);

        // The operator's next report counts the lost one in status, and LogsDelivered says so without blocking Ready.
        var policy = await World.WaitForConditionAsync("proven", "LogsDelivered", "False", "LogsMissing", TimeSpan.FromSeconds(120), Ct);
        Assert.Equal(1L, (long?)policy!["status"]!["report"]!["missingLogs"]);
        Assert.Equal("True", (string?)PolicyWorld.Condition(policy, "Ready")!["status"]);
        Assert.Contains(await World.PolicyEventsAsync("proven", Ct), e => e.Reason == "LogsMissing");
    }
}
