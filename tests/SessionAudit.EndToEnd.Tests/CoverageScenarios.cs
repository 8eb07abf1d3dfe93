using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using SessionAudit.Operator.Iam;
using SessionAudit.Testing.Harness;
using Xunit;

namespace SessionAudit.EndToEnd.Tests;

/// <summary>
/// One full lifecycle with every concern, run once for the coverage checks: the operator (leader election on, its own
/// service-account identity) adopts a document, checks bucket, log group, key and trail, makes grants and a rule with
/// every kind of target, exports a report, manages a second account through AssumeRole, then loses a grantee and a
/// target, and is deleted with deletionPolicy Delete.
/// </summary>
public sealed class CoverageWorld : IAsyncLifetime
{
    public const string ServiceAccount = "system:serviceaccount:session-audit-system:session-audit-operator";

    private const string Seed = """
        accounts:
          - id: "111122223333"
            regions:
              - name: us-east-1
                keys:
                  - alias: alias/e2e-cov
                    description: coverage key
                buckets:
                  # A customer-managed key: a missing log there makes the report read the instance's role (EC2, IAM).
                  - {name: e2e-cov-logs, encryption: "aws:kms", kmsKey: alias/e2e-cov}
                logGroups:
                  - {name: /e2e/cov, kmsKey: alias/e2e-cov}
                trails:
                  - {name: e2e-trail, bucket: e2e-cov-logs, logging: true}
                topics:
                  - {name: e2e-cov-alerts}
                functions:
                  - {name: e2e-cov-handler}
                pipelines:
                  - {name: e2e-cov-pipeline}
                instances:
                  - {id: i-0e2e0000000000c01}
                  - {id: i-0e2e0000000000c02, iamRole: "arn:aws:iam::111122223333:role/e2e-c"}
                sessions:
                  - {target: i-0e2e0000000000c01, owner: alice, startedDaysAgo: 1, durationMinutes: 5}
                  # An ended session of the policy's document: the report looks for its log in S3 and CloudWatch Logs.
                  - {id: alice-0e2ec0000000000001, target: i-0e2e0000000000c01, owner: alice, document: E2E-Coverage, startedHoursAgo: 3, durationMinutes: 5}
                  # Its log never arrives: the report names the fix, for which it reads the instance's role.
                  - {id: alice-0e2ec0000000000002, target: i-0e2e0000000000c02, owner: alice, document: E2E-Coverage, startedHoursAgo: 2, durationMinutes: 5}
                documents:
                  - name: E2E-Coverage
                    type: Session
                    format: JSON
                    content: '{"schemaVersion":"1.0","description":"by hand","sessionType":"Standard_Stream","inputs":{"s3BucketName":"","idleSessionTimeout":"20"}}'
          - id: "444455556666"
            regions:
              - name: us-east-1
                buckets:
                  - {name: e2e-cov-remote-logs, encryption: AES256}
        """;

    private readonly SemaphoreSlim once = new(1, 1);
    private TestWorld? world;
    private OperatorProcess? process;
    private bool ran;

    public TestWorld World => world ?? throw new InvalidOperationException("not started");

    public OperatorProcess Operator => process ?? throw new InvalidOperationException("not started");

    /// <summary>The /metrics text scraped while the policies were Ready.</summary>
    public string MetricsDuringRun { get; private set; } = "";

    /// <summary>Whether a PutTargets call carried a role (AWS checks iam:PassRole on it; the call log has no separate entry).</summary>
    public bool PassedRoles { get; private set; }

    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        world = await TestWorld.StartAsync(Seed, installCrd: true, cts.Token);
        world.AddPerson();
        await world.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: session-audit-system\n", ct: cts.Token);
        var kubeconfig = world.Sandbox.WriteKubeconfig("operator-kubeconfig", ServiceAccount);
        process = await world.StartOperatorAsync(
            "5s", ["--leader-election-namespace", "kube-system"], kubeconfig: kubeconfig, leaderElection: true, ct: cts.Token);
    }

    /// <summary>Runs the lifecycle once; later callers wait for the first.</summary>
    public async Task EnsureLifecycleAsync(CancellationToken ct)
    {
        await once.WaitAsync(ct);
        try
        {
            if (!ran)
            {
                await RunLifecycleAsync(ct);
                ran = true;
            }
        }
        finally
        {
            once.Release();
        }
    }

    private static string Policy(string grantees, string lambda) => $$"""
        apiVersion: sessionaudit.io/v1alpha1
        kind: SessionLoggingPolicy
        metadata:
          name: coverage
        spec:
          region: us-east-1
          documentName: E2E-Coverage
          s3: {bucketName: e2e-cov-logs, keyPrefix: cov/}
          cloudWatch: {logGroupName: /e2e/cov}
          instanceRoles: [{{grantees}}]
          kms: {keyId: alias/e2e-cov}
          alerts:
            snsTopicArns: ["arn:aws:sns:us-east-1:111122223333:e2e-cov-alerts"]
            lambdaFunctionArns: [{{lambda}}]
            codePipelines:
              - {arn: "arn:aws:codepipeline:us-east-1:111122223333:e2e-cov-pipeline", roleArn: "arn:aws:iam::111122223333:role/e2e-cov-pipeline"}
            runCommands:
              - {documentName: AWS-RunShellScript, roleArn: "arn:aws:iam::111122223333:role/e2e-cov-command", targets: [{key: InstanceIds, values: [i-0e2e0000000000c01]}]}
          report:
            interval: 1h
            s3: {bucketName: e2e-cov-logs, keyPrefix: reports/}
          deletionPolicy: Delete
        """;

    private async Task RunLifecycleAsync(CancellationToken ct)
    {
        const string both = "\"arn:aws:iam::111122223333:role/e2e-a\", \"arn:aws:iam::111122223333:role/e2e-b\"";
        const string lambda = "\"arn:aws:lambda:us-east-1:111122223333:function:e2e-cov-handler\"";
        // The ended session's log, where the agent would have put it (s3KeyPrefix cov/ + session id + .log).
        await World.PersonCliAsync(["s3api", "put-object", "--bucket", "e2e-cov-logs", "--key", "cov/alice-0e2ec0000000000001.log"], ct: ct);
        // The Run Command target needs an AwsAccount that allows its document (none is allowed by default).
        await World.ApplyAsync(Support.OperatorWorld.RunShellScriptAllowed, ct: ct);
        await World.ApplyAsync(Policy(both, lambda), ct: ct);
        // The second account's external id, in a Secret of the operator's namespace (RBAC: get on secrets there).
        await World.KubectlAsync(["create", "namespace", "session-audit-system"], check: false, ct: ct);
        await World.KubectlAsync(["-n", "session-audit-system", "create", "secret", "generic", "coverage-remote", "--from-literal=externalId=e2e-coverage"], ct: ct);
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: AwsAccount
            metadata:
              name: coverage-remote
            spec:
              roleArn: arn:aws:iam::444455556666:role/session-audit
              externalIdSecretRef: {name: coverage-remote, key: externalId}
            ---
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: coverage-remote
            spec:
              region: us-east-1
              accountRef: {name: coverage-remote}
              documentName: E2E-Coverage-Remote
              s3: {bucketName: e2e-cov-remote-logs}
            """, ct: ct);
        await World.KubectlWaitReadyAsync("coverage", "90s", ct);
        await World.KubectlWaitReadyAsync("coverage-remote", "90s", ct);
        await Eventually.WaitAsync(() => World.GetPolicyAsync("coverage", ct), p => p?["status"]?["report"] is not null, TimeSpan.FromSeconds(30), "the report summary", ct);
        // The report verified the ended session's delivery: one S3 listing and one log-stream listing.
        await Eventually.WaitAsync(
            () => Task.FromResult(World.OperatorCalls().Any(c => c.Operation == "ListObjectsV2") && World.OperatorCalls().Any(c => c.Operation == "DescribeLogStreams")),
            seen => seen, TimeSpan.FromSeconds(30), "the report's delivery checks (ListObjectsV2, DescribeLogStreams)", ct);

        var targets = await World.PersonJsonAsync(["events", "list-targets-by-rule", "--rule", "session-audit-coverage"], ct: ct);
        PassedRoles = targets!["Targets"]!.AsArray().Any(t => t!["RoleArn"] is not null)
            && World.OperatorCalls().Any(c => c.Operation == "PutTargets" && c.Succeeded);

        var url = await Operator.HttpUrlAsync(ct);
        using (var http = new HttpClient())
        {
            MetricsDuringRun = await http.GetStringAsync(new Uri(url + "/metrics"), ct);
        }

        // A policy waits for a bucket that does not exist: telling "missing" from "not encrypted" takes HeadBucket
        // (s3:ListBucket), and the repeated warning is aggregated into one Event (events patch).
        await World.ApplyAsync("""
            apiVersion: sessionaudit.io/v1alpha1
            kind: SessionLoggingPolicy
            metadata:
              name: coverage-waiting
            spec:
              region: us-east-1
              documentName: E2E-Coverage-Waiting
              s3: {bucketName: e2e-cov-not-yet}
            """, ct: ct);
        await Eventually.WaitAsync(
            () => Task.FromResult(World.Kubernetes.RequestLog.Any(r => r.Identity == ServiceAccount && r.Resource == "events" && r.Verb == "patch")
                && World.OperatorCalls().Any(c => c.Operation == "HeadBucket")),
            seen => seen,
            TimeSpan.FromSeconds(60), "HeadBucket on the missing bucket and a repeated warning Event", ct);
        await World.KubectlAsync(["delete", "slp", "coverage-waiting", "--timeout=60s"], ct: ct);

        // A spec reverted to earlier content: SSM refuses the repeat, the version holding it is found and promoted
        // (ssm:ListDocumentVersions).
        foreach (var prefix in new[] { "a/", "b/", "a/" })
        {
            await World.ApplyAsync($$"""
                apiVersion: sessionaudit.io/v1alpha1
                kind: SessionLoggingPolicy
                metadata:
                  name: coverage-revert
                spec:
                  region: us-east-1
                  documentName: E2E-Coverage-Revert
                  s3: {bucketName: e2e-cov-logs, keyPrefix: {{prefix}}}
                """, ct: ct);
            await World.KubectlWaitReadyAsync("coverage-revert", "60s", ct);
        }

        Assert.Contains(World.OperatorCalls(), c => c.Operation == "ListDocumentVersions" && c.Succeeded);
        await World.KubectlAsync(["delete", "slp", "coverage-revert", "--timeout=60s"], ct: ct);

        // A grantee and a target leave; then the policies are deleted (Delete cleans up, the remote one is retained).
        await World.ApplyAsync(Policy("\"arn:aws:iam::111122223333:role/e2e-a\"", ""), ct: ct);
        await Eventually.WaitAsync(
            () => Task.FromResult(World.OperatorCalls().Select(c => c.Operation).ToHashSet()),
            ops => ops.Contains("RevokeGrant") && ops.Contains("RemoveTargets"),
            TimeSpan.FromSeconds(45), "the grant and the target to be removed", ct);
        await World.KubectlWaitReadyAsync("coverage", "60s", ct);
        await World.KubectlAsync(["delete", "slp", "coverage", "coverage-remote", "--timeout=60s"], ct: ct);
        var rule = await World.PersonCliAsync(["events", "describe-rule", "--name", "session-audit-coverage"], check: false, ct: ct);
        Assert.Contains("ResourceNotFoundException", rule.StdErr, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }

        if (world is not null)
        {
            await world.DisposeAsync();
        }

        once.Dispose();
    }
}

/// <summary>Issue 7: least privilege proven from what the operator did. Every AWS action it called is granted by the IAM
/// policy and every granted action was called; the Kubernetes verbs it used are exactly what its RBAC grants; its
/// Prometheus endpoint shows reconcile and AWS-call metrics while it runs.</summary>
public sealed class CoverageScenarios(CoverageWorld fixture) : IClassFixture<CoverageWorld>
{
    // S3 permissions are not named after the operations they authorise.
    private static readonly Dictionary<string, string> S3Permissions = new(StringComparer.Ordinal)
    {
        ["HeadBucket"] = "ListBucket",
        ["ListObjectsV2"] = "ListBucket",
        ["GetBucketEncryption"] = "GetEncryptionConfiguration",
        ["PutObject"] = "PutObject",
    };

    // Calls AWS authorises without any IAM permission.
    private static readonly HashSet<string> NeedNoPermission = ["sts:GetCallerIdentity"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string IamAction(string service, string operation)
    {
        var prefix = service.ToLowerInvariant() switch
        {
            "cloudwatch logs" or "cloudwatchlogs" => "logs",
            "eventbridge" or "cloudwatch events" => "events",
            var s => s,
        };
        return prefix == "s3" && S3Permissions.TryGetValue(operation, out var permission) ? "s3:" + permission : prefix + ":" + operation;
    }

    private static HashSet<string> PolicyFileActions() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Tools.RepoRoot, "deploy", "iam", "policy.json")))!["Statement"]!.AsArray()
            .SelectMany(s => s!["Action"]!.AsArray().Select(a => (string)a!))
            .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public async Task Every_AWS_action_the_operator_called_is_granted_and_every_granted_action_was_called()
    {
        await fixture.EnsureLifecycleAsync(Ct);

        var called = fixture.World.OperatorCalls()
            .Select(c => IamAction(c.Service, c.Operation))
            .Where(a => !NeedNoPermission.Contains(a))
            .ToHashSet(StringComparer.Ordinal);
        Assert.True(fixture.PassedRoles, "the rule got targets with roles, which needs iam:PassRole");
        called.Add("iam:PassRole");

        // Actions only a rare path needs, which this lifecycle does not reach: DeleteDocument deletes old versions the
        // policy wrote when the document is at SSM's limit of 1,000 versions (pinned against the sandbox by
        // DocumentConvergenceAgainstSandboxTests).
        var rarePathOnly = new HashSet<string>(StringComparer.Ordinal) { "ssm:DeleteDocument" };
        var granted = IamPolicyBuilder.Actions.ToHashSet(StringComparer.Ordinal);
        Assert.Subset(granted, rarePathOnly);
        Assert.Empty(called.Except(granted).Order(StringComparer.Ordinal));
        Assert.Empty(granted.Except(called).Except(rarePathOnly).Order(StringComparer.Ordinal));
        Assert.Equal(granted.Order(StringComparer.Ordinal), PolicyFileActions().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_Kubernetes_verbs_and_resources_the_operator_used_are_exactly_what_its_RBAC_grants()
    {
        await fixture.EnsureLifecycleAsync(Ct);

        var used = fixture.World.Kubernetes.RequestLog
            .Where(r => r.Identity == CoverageWorld.ServiceAccount)
            .Select(r => $"{r.Group}/{r.Resource}{(r.Subresource.Length > 0 ? "/" + r.Subresource : "")}:{r.Verb}")
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(used);

        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var obj in KubernetesYaml.LoadAllFromString(await File.ReadAllTextAsync(Path.Combine(Tools.RepoRoot, "deploy", "rbac.yaml"), Ct)))
        {
            var rules = obj switch
            {
                V1ClusterRole cr => cr.Rules,
                V1Role r => r.Rules,
                _ => null,
            };
            foreach (var rule in rules ?? [])
            {
                foreach (var group in rule.ApiGroups ?? [])
                {
                    foreach (var resource in rule.Resources ?? [])
                    {
                        foreach (var verb in rule.Verbs)
                        {
                            granted.Add($"{group}/{resource}:{verb}");
                        }
                    }
                }
            }
        }

        // Verbs only a failure path uses, which a healthy run never reaches: a 409 on a status write or a finalizer
        // patch makes the operator GET the policy again (the controller runtime's tests prove that path).
        var faultPathOnly = new HashSet<string>(StringComparer.Ordinal) { "sessionaudit.io/sessionloggingpolicies:get" };
        var missing = used.Except(granted).Order(StringComparer.Ordinal).ToList();
        var unused = granted.Except(used).Except(faultPathOnly).Order(StringComparer.Ordinal).ToList();
        Assert.Subset(granted, faultPathOnly);
        Assert.True(missing.Count == 0 && unused.Count == 0,
            $"used but not granted: [{string.Join(", ", missing)}]; granted but never used: [{string.Join(", ", unused)}]");
    }

    [Fact]
    public async Task Every_write_the_operator_sent_names_its_field_manager()
    {
        await fixture.EnsureLifecycleAsync(Ct);
        var writes = fixture.World.Kubernetes.RequestLog
            .Where(r => r.Identity == CoverageWorld.ServiceAccount && r.Verb is "create" or "update" or "patch")
            .ToList();
        Assert.Contains(writes, r => r.Resource == "leases");
        Assert.Contains(writes, r => r.Subresource == "status");
        Assert.Contains(writes, r => r.Resource == "events");
        Assert.All(writes, r => Assert.Equal("session-audit-operator", r.FieldManager));
    }

    [Fact]
    public async Task The_Prometheus_endpoint_serves_reconcile_and_AWS_call_metrics_during_a_run()
    {
        await fixture.EnsureLifecycleAsync(Ct);
        var metrics = fixture.MetricsDuringRun;

        Assert.Matches(new Regex(@"^sessionaudit_controller_reconcile_count\w*\{[^}]*\} [1-9]", RegexOptions.Multiline), metrics);
        Assert.Matches(new Regex(@"^sessionaudit_controller_reconcile_duration\w*_bucket\{", RegexOptions.Multiline), metrics);
        Assert.Matches(new Regex(@"^sessionaudit_aws_calls\w*\{[^}]*operation=""GetDocument""[^}]*\} [1-9]", RegexOptions.Multiline), metrics);
        Assert.Matches(new Regex(@"^sessionaudit_aws_calls\w*\{[^}]*operation=""PutRule""[^}]*\} [1-9]", RegexOptions.Multiline), metrics);
        Assert.Matches(new Regex(@"^# TYPE sessionaudit_aws_call_duration\w* histogram", RegexOptions.Multiline), metrics);

        // Per policy: each condition (1 True, 0 False, -1 Unknown), the drift count and the age of the last sync.
        Assert.Matches(new Regex(@"^sessionaudit_policy_condition\w*\{[^}]*policy=""coverage""[^}]*type=""Ready""[^}]*\} 1\b", RegexOptions.Multiline), metrics);
        Assert.Matches(new Regex(@"^sessionaudit_policy_drift\w*\{[^}]*policy=""coverage""[^}]*\} \d+$", RegexOptions.Multiline), metrics);
        Assert.Matches(new Regex(@"^sessionaudit_policy_last_sync_age_seconds\{[^}]*policy=""coverage""[^}]*\} \d", RegexOptions.Multiline), metrics);
    }
}
