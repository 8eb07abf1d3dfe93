using SessionAudit.Policy.Accounts;
using Microsoft.Extensions.Time.Testing;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Reconciliation;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;

namespace SessionAudit.Policy.Tests.Reconciliation;

/// <summary>Observe mode and `plan` write nothing by construction: the reconciler is given ports whose every write
/// throws, over every shipped example, with AWS far from the spec (so there is something to change in every concern).</summary>
public sealed class WriteFreeTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepositoryFiles.PathOf("deploy/examples"), "*.yaml")
                     .Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Observe_mode_and_plan_never_call_a_write_port(string example)
    {
        foreach (var policy in PolicyManifest.Parse(File.ReadAllText(RepositoryFiles.PathOf("deploy/examples/" + example))))
        {
            var observe = policy with { Spec = policy.Spec with { Mode = PolicyMode.Observe } };
            await AssertWriteFree(observe, ReconcileMode.Apply, drifted: true);
            await AssertWriteFree(policy, ReconcileMode.DryRun, drifted: true);
            await AssertWriteFree(policy, ReconcileMode.DryRun, drifted: false);

            // Deleting, with a grant of the policy's own in AWS to revoke.
            var deleting = policy with { Spec = policy.Spec with { DeletionPolicy = DeletionPolicy.Delete }, Metadata = policy.Metadata with { DeletionRequested = true } };
            await AssertWriteFree(deleting, ReconcileMode.DryRun, drifted: true);
        }
    }

    /// <summary>The guard is not vacuous: the same worlds in Enforce do write (and so would throw).</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Enforce_on_the_same_world_does_write(string example)
    {
        foreach (var policy in PolicyManifest.Parse(File.ReadAllText(RepositoryFiles.PathOf("deploy/examples/" + example))))
        {
            var enforce = policy with { Spec = policy.Spec with { Mode = PolicyMode.Enforce } };
            var (aws, _) = await World(enforce, drifted: true);
            var result = await new PolicyReconciler(aws, new FakeTimeProvider(Now)).ReconcileAsync(enforce, [], Accounts(enforce), ReconcileMode.Apply, TestContext.Current.CancellationToken);
            Assert.True(aws.Writes > 0, $"{example}: Enforce made no write, so the write-free test proves nothing: {result.Plan}");
        }
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    // The examples' AwsAccounts (aws-accounts.yaml), as a cluster applying deploy/examples has them; an external id
    // kept in a Secret is given as the operator would have read it.
    private static AccountContext Accounts(SessionLoggingPolicy policy)
    {
        var accounts = Directory.GetFiles(RepositoryFiles.PathOf("deploy/examples"), "*.yaml")
            .SelectMany(f => PolicyManifest.ParseAccounts(File.ReadAllText(f)))
            .ToList();
        var context = AccountContext.Resolve(policy.Spec, accounts, "example-external-id");
        Assert.True(context.Binding is not null, $"{policy.Metadata.Name}: {context.Problem}");
        return context;
    }

    private static async Task AssertWriteFree(SessionLoggingPolicy policy, ReconcileMode mode, bool drifted)
    {
        var (aws, status) = await World(policy, drifted);
        var guarded = new WritesThrow(aws);
        var reconciler = new PolicyReconciler(guarded, new FakeTimeProvider(Now));
        var result = await reconciler.ReconcileAsync(policy with { Status = status }, [], Accounts(policy), mode, TestContext.Current.CancellationToken);

        Assert.Equal(0, aws.Writes);
        Assert.Equal(0, result.Writes);
        if (mode == ReconcileMode.DryRun && policy.Spec.Mode == PolicyMode.Enforce)
        {
            // A dry run never lets the finalizer go: the cleanup it plans has not happened.
            Assert.NotEqual(PolicyOutcome.Deleted, result.Outcome);
        }

        // (Deleting an Observe-mode policy plans nothing by design: it never changed AWS.)
        if (!(policy.Metadata.DeletionRequested && policy.Spec.Mode == PolicyMode.Observe))
        {
            Assert.True(result.Plan.Changes.Count > 0, $"{mode} drifted={drifted} deleting={policy.Metadata.DeletionRequested}: nothing planned, so nothing was tested: {string.Join("; ", result.Plan.Notes)} {string.Join("; ", result.Status.Conditions?.Select(c => c.Type + "=" + c.Reason + ":" + c.Message) ?? [])}");
        }
    }

    /// <summary>An account with the example's prerequisites in place. Drifted: no document, no rule, no grants, and a
    /// stale grant of the policy's on another key. Not drifted: what a first Enforce pass leaves, then a hand edit.</summary>
    private static async Task<(FakeAws Aws, SessionLoggingPolicyStatus? Status)> World(SessionLoggingPolicy policy, bool drifted)
    {
        var aws = new FakeAws();
        var spec = policy.Spec;
        if (spec.S3?.BucketName is { } bucket)
        {
            aws.Buckets[bucket] = new BucketInfo(bucket, true, "aws:kms");
        }

        if (spec.CloudWatch?.LogGroupName is { } group)
        {
            aws.LogGroups[group] = new LogGroupInfo(group, aws.AddKey("alias/logs", KmsKeyManager.Customer).Arn);
        }

        if (spec.Kms?.KeyId is { } keyId)
        {
            aws.AddKey(keyId, KmsKeyManager.Customer);
        }

        foreach (var arn in (spec.Alerts?.SnsTopicArns ?? []).Concat(spec.Alerts?.LambdaFunctionArns ?? []).Concat((spec.Alerts?.CodePipelines ?? []).Select(p => p.Arn)))
        {
            aws.ExistingTargets.Add(arn);
        }

        // As AWS makes them: a topic lets only its owner publish, a function has no policy; EventBridge's permission is to add.
        foreach (var arn in spec.Alerts?.SnsTopicArns ?? [])
        {
            aws.TargetPolicies[arn] = FakeAws.DefaultTopicPolicy(arn);
        }

        foreach (var arn in spec.Alerts?.LambdaFunctionArns ?? [])
        {
            aws.TargetPolicies[arn] = null;
        }

        var old = aws.AddKey("alias/retired", KmsKeyManager.Customer);
        var staleGrant = await aws.CreateAsync(old.Arn, "arn:aws:iam::111122223333:role/gone", ["Decrypt", "GenerateDataKey"], Planning.ResourceNames.Grant(policy.Metadata.Name, policy.Spec, Accounts(policy).Binding!.RoleArn), TestContext.Current.CancellationToken);
        SessionLoggingPolicyStatus status = new() { Grants = [new GrantStatus { Grantee = "arn:aws:iam::111122223333:role/gone", GrantId = staleGrant, KeyArn = old.Arn }] };
        if (!drifted)
        {
            // A first pass in Enforce makes AWS match; then someone edits the rule and the document by hand.
            var enforce = policy with { Spec = spec with { Mode = PolicyMode.Enforce }, Metadata = policy.Metadata with { DeletionRequested = false } };
            var first = await new PolicyReconciler(aws, new FakeTimeProvider(Now)).ReconcileAsync(enforce with { Status = status }, [], Accounts(enforce), ReconcileMode.Apply, TestContext.Current.CancellationToken);
            status = first.Status;
            var name = spec.DocumentName;
            if (aws.Documents.TryGetValue(name, out var versions))
            {
                versions.Add("{\"schemaVersion\":\"1.0\",\"sessionType\":\"Standard_Stream\",\"inputs\":{}}");
                aws.DefaultVersions[name] = versions.Count;
            }
        }

        aws.ResetCalls();
        return (aws, status);
    }

    /// <summary>The fake's reads, and writes that throw.</summary>
    private sealed class WritesThrow(FakeAws inner) : IAwsScopeFactory, IAwsEnvironment, IPreferencesDocumentPort, IKmsGrantPort, IEventRulePort, IAlertTargetPort
    {
        public AwsScope Scope => inner.Scope;
        public ICallerIdentityPort Identity => inner;
        public IPreferencesDocumentPort Documents => this;
        public IS3BucketPort Buckets => inner;
        public ILogGroupPort LogGroups => inner;
        public IKmsKeyPort Keys => inner;
        public IKmsGrantPort Grants => this;
        public ICloudTrailPort Trails => inner;
        public IAlertTargetPort AlertTargets => this;
        public IEventRulePort Rules => this;

        public IAwsEnvironment For(AwsScope scope)
        {
            inner.For(scope);
            return this;
        }

        private static InvalidOperationException Write(string what) => new($"{what} was called in a mode that must not write");

        public Task<DocumentSnapshot?> GetAsync(string name, CancellationToken cancellationToken) => ((IPreferencesDocumentPort)inner).GetAsync(name, cancellationToken);
        public Task<string> GetVersionContentAsync(string name, string version, CancellationToken cancellationToken) => inner.GetVersionContentAsync(name, version, cancellationToken);
        public Task<IReadOnlyList<DocumentVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken) => inner.ListVersionsAsync(name, cancellationToken);
        public Task<string> CreateAsync(string name, string content, string? versionName, CancellationToken cancellationToken) => throw Write("ssm:CreateDocument");
        public Task<string?> UpdateAsync(string name, string content, string? versionName, CancellationToken cancellationToken) => throw Write("ssm:UpdateDocument");
        public Task SetDefaultVersionAsync(string name, string version, CancellationToken cancellationToken) => throw Write("ssm:UpdateDocumentDefaultVersion");
        public Task DeleteVersionAsync(string name, string version, CancellationToken cancellationToken) => throw Write("ssm:DeleteDocument");

        public Task<IReadOnlyList<KmsGrant>> ListAsync(string keyArn, CancellationToken cancellationToken) => inner.ListAsync(keyArn, cancellationToken);
        public Task<string> CreateAsync(string keyArn, string granteePrincipal, IReadOnlyList<string> operations, string name, CancellationToken cancellationToken) => throw Write("kms:CreateGrant");
        public Task RetireAsync(string keyArn, string grantId, CancellationToken cancellationToken) => throw Write("kms:RevokeGrant");

        public Task<EventRuleInfo?> DescribeAsync(string ruleName, CancellationToken cancellationToken) => ((IEventRulePort)inner).DescribeAsync(ruleName, cancellationToken);
        public Task<string> PutAsync(EventRuleDefinition rule, CancellationToken cancellationToken) => throw Write("events:PutRule");
        public Task DeleteAsync(string ruleName, CancellationToken cancellationToken) => throw Write("events:DeleteRule");
        public Task<IReadOnlyList<EventTarget>> ListTargetsAsync(string ruleName, CancellationToken cancellationToken) => inner.ListTargetsAsync(ruleName, cancellationToken);
        public Task PutTargetsAsync(string ruleName, IReadOnlyList<EventTarget> targets, CancellationToken cancellationToken) => throw Write("events:PutTargets");
        public Task RemoveTargetsAsync(string ruleName, IReadOnlyList<string> targetIds, CancellationToken cancellationToken) => throw Write("events:RemoveTargets");

        public Task<bool> ExistsAsync(AlertTargetKind kind, string arn, CancellationToken cancellationToken) => inner.ExistsAsync(kind, arn, cancellationToken);
        public Task<TopicAccess?> GetTopicAsync(string topicArn, CancellationToken cancellationToken) => inner.GetTopicAsync(topicArn, cancellationToken);
        public Task<FunctionAccess?> GetFunctionPolicyAsync(string functionArn, CancellationToken cancellationToken) => inner.GetFunctionPolicyAsync(functionArn, cancellationToken);
        public Task SetTopicPolicyAsync(string topicArn, string policy, CancellationToken cancellationToken) => throw Write("sns:SetTopicAttributes");
        public Task AddFunctionPermissionAsync(string functionArn, string statementId, string sourceArn, CancellationToken cancellationToken) => throw Write("lambda:AddPermission");
        public Task RemoveFunctionPermissionAsync(string functionArn, string statementId, CancellationToken cancellationToken) => throw Write("lambda:RemovePermission");
    }
}
