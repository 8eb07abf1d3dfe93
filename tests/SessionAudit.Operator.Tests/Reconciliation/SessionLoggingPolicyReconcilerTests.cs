using SessionAudit.Operator.Accounts;
using System.Text.Json;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Status;
using SessionAudit.Operator.Hosting;
using SessionAudit.Operator.Reconciliation;
using SessionAudit.Operator.Resources;
using SessionAudit.Operator.Tests.Fakes;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Ports;
using SessionAudit.Policy.Tests.Fakes;
using Xunit;
using PolicyReconciler = SessionAudit.Policy.Reconciliation.PolicyReconciler;
using R = SessionAudit.Operator.Resources.SessionLoggingPolicyResource;

namespace SessionAudit.Operator.Tests.Reconciliation;

/// <summary>
/// The glue between runtime and domain, in process: the runtime's finalizer handling and the glue over the domain
/// reconciler, with the Kubernetes side (cache, finalizers, status, events) and AWS faked.
/// </summary>
public sealed class SessionLoggingPolicyReconcilerTests
{
    private const string Valid = """{"region":"us-east-1"}""";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class Harness
    {
        public Harness()
        {
            Finalizers = new FakeFinalizers<R>(Aws.Calls);
            var time = Time;
            Metrics = new PolicyMetrics(time);
            var glue = new SessionLoggingPolicyReconciler(
                Cache, Status, Events, new PolicyReconciler(Aws, time),
                new AccountSource(Accounts, (ns, name, key, ct) => Task.FromResult(Secrets.GetValueOrDefault($"{ns}/{name}/{key}")), "session-audit-system"),
                Reports, Metrics, time, NullLogger<SessionLoggingPolicyReconciler>.Instance);
            Runtime = new FinalizingReconciler<R>(Cache, Finalizers, glue);
        }

        /// <summary>AWS calls ("read:…", "write:…") and finalizer patches, in the order they happened.</summary>
        public FakeAws Aws { get; } = new();

        public FakeCache<R> Cache { get; } = new(PolicyViews.Indexes);

        public FakeCache<AwsAccountResource> Accounts { get; } = new();

        /// <summary>Secret values by "namespace/name/key".</summary>
        public Dictionary<string, string> Secrets { get; } = [];

        public FakeFinalizers<R> Finalizers { get; }

        public FakeStatusWriter<R> Status { get; } = new();

        public FakeEvents Events { get; } = new();

        public FakeReports Reports { get; } = new();

        public PolicyMetrics Metrics { get; }

        public FakeTimeProvider Time { get; } = new(Now);

        public FinalizingReconciler<R> Runtime { get; }

        public SessionLoggingPolicyStatus LastStatus => PolicyMapping.ReadStatus(Status.Writes[^1])!;

        public Condition Ready => LastStatus.Conditions!.Single(c => c.Type == "Ready");

        public Task<ReconcileResult> ReconcileAsync(R obj)
        {
            Cache.Put(obj);
            return Runtime.ReconcileAsync(new ReconcileRequest(ResourceKey.Of(obj)), TestContext.Current.CancellationToken);
        }
    }

    private static R Policy(string spec, string name = "prod", string uid = "uid-1", bool finalizer = false, bool deleting = false, int createdDay = 1) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Uid = uid,
            Generation = 1,
            ResourceVersion = "1",
            CreationTimestamp = new DateTime(2026, 1, createdDay, 0, 0, 0, DateTimeKind.Utc),
            Finalizers = finalizer ? [SessionLoggingPolicy.Finalizer] : null,
            DeletionTimestamp = deleting ? Now.UtcDateTime.AddMinutes(-1) : null,
        },
        Spec = JsonDocument.Parse(spec).RootElement.Clone(),
    };

    [Fact]
    public async Task The_finalizer_is_on_before_any_aws_call()
    {
        var h = new Harness();

        var result = await h.ReconcileAsync(Policy(Valid));

        Assert.Equal(FakeFinalizers<R>.Added, h.Aws.Calls[0]);
        Assert.Contains(h.Aws.Calls.Skip(1), c => c.StartsWith("read:", StringComparison.Ordinal));
        Assert.Contains(SessionLoggingPolicy.Finalizer, h.Status.Writes[^1].Metadata.Finalizers);
        Assert.Equal(ReconcileOutcome.RequeueAfter, result.Outcome);
    }

    [Fact]
    public async Task A_transient_aws_failure_is_retried_with_the_runtimes_backoff()
    {
        var h = new Harness();
        h.Aws.FailOn["GetDocument"] = new AwsFailure(AwsFailureKind.Throttled, "ThrottlingException", "Rate exceeded");

        var result = await h.ReconcileAsync(Policy(Valid, finalizer: true));

        Assert.Equal(ReconcileOutcome.Transient, result.Outcome);
        Assert.Contains("PreferencesSynced", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains(h.LastStatus.Conditions!, c => c.Type == "Reconciling" && c.Reason == "Retrying");
    }

    [Fact]
    public async Task An_invalid_spec_is_terminal_with_its_status_and_event_written_and_nothing_asked_of_aws()
    {
        var h = new Harness();

        var result = await h.ReconcileAsync(Policy("""{"region":"nowhere"}""", finalizer: true));

        Assert.Equal(ReconcileOutcome.Terminal, result.Outcome);
        Assert.Equal(("False", "InvalidSpec"), (h.Ready.Status, h.Ready.Reason));
        Assert.Equal(h.Ready.Message, result.Error!.Message);
        Assert.Contains(h.Events.Recorded, e => e is ("Warning", "InvalidSpec", _));
        Assert.Equal(0, h.Aws.Reads + h.Aws.Writes);
    }

    [Fact]
    public async Task An_unreadable_spec_becomes_a_condition_never_a_throw()
    {
        var h = new Harness();

        var result = await h.ReconcileAsync(Policy("""{"region":"us-east-1","session":{"idleTimeoutMinutes":"soon"}}""", finalizer: true));

        Assert.Equal(ReconcileOutcome.Terminal, result.Outcome);
        Assert.Equal(("False", "InvalidSpec"), (h.Ready.Status, h.Ready.Reason));
        Assert.Contains("session.idleTimeoutMinutes", h.Ready.Message, StringComparison.Ordinal);
        Assert.Contains(h.Events.Recorded, e => e is ("Warning", "InvalidSpec", _));
        Assert.Equal(0, h.Aws.Reads + h.Aws.Writes);
    }

    [Fact]
    public async Task A_deletion_the_domain_completes_removes_the_finalizer_from_the_stored_object_and_drops_the_report()
    {
        var h = new Harness();

        var result = await h.ReconcileAsync(Policy(Valid, finalizer: true, deleting: true));

        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
        var from = Assert.Single(h.Finalizers.RemovedFrom);
        Assert.Equal("1+s", from.Metadata.ResourceVersion);
        Assert.Equal(["prod"], h.Reports.Forgotten);
    }

    [Fact]
    public async Task Each_reconciled_policy_has_its_gauges_until_it_is_forgotten()
    {
        var h = new Harness();

        await h.ReconcileAsync(Policy(Valid, finalizer: true));
        await h.ReconcileAsync(Policy(Valid, name: "staging", uid: "uid-2", finalizer: true));
        Assert.Equal(2, h.Metrics.Count);

        // A check that finds nothing new keeps the status's lastSyncTime (no write), but the gauge shows the real read.
        R Prod() => h.Status.Writes.Last(w => w.Metadata.Name == "prod");
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.ReconcileAsync(Prod());
        var settled = PolicyMapping.ReadStatus(Prod())!.LastSyncTime;
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.ReconcileAsync(Prod());
        Assert.Equal(settled, PolicyMapping.ReadStatus(Prod())!.LastSyncTime);
        Assert.Equal(Now.AddMinutes(5), settled);
        Assert.Contains(("sessionaudit.policy.last_sync.age", "policy=prod", 0d), PolicyMetricsTests.Observe(h.Metrics));

        // A deletion the domain completes forgets the policy, and its series go.
        await h.ReconcileAsync(Policy(Valid, name: "staging", uid: "uid-2", finalizer: true, deleting: true));
        Assert.Equal(1, h.Metrics.Count);
    }

    [Fact]
    public async Task A_deletion_whose_cleanup_fails_keeps_the_finalizer_and_is_retried()
    {
        var h = new Harness();
        h.Aws.FailOn["DescribeRule"] = new AwsFailure(AwsFailureKind.Unavailable, "ServiceUnavailable", "try later");

        var result = await h.ReconcileAsync(Policy("""{"region":"us-east-1","deletionPolicy":"Delete"}""", finalizer: true, deleting: true));

        Assert.Equal(ReconcileOutcome.Transient, result.Outcome);
        Assert.Empty(h.Finalizers.RemovedFrom);
        Assert.Empty(h.Reports.Forgotten);
    }

    [Fact]
    public async Task An_unreadable_spec_being_deleted_lets_the_finalizer_go()
    {
        var h = new Harness();

        var result = await h.ReconcileAsync(Policy("""{"region":"us-east-1","session":"long"}""", finalizer: true, deleting: true));

        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
        Assert.Single(h.Finalizers.RemovedFrom);
        Assert.Equal(0, h.Aws.Reads + h.Aws.Writes);
    }

    [Fact]
    public async Task A_stale_status_write_is_retried_so_the_new_spec_is_reconciled()
    {
        var h = new Harness();
        h.Status.Answer = StatusWriteOutcome.Stale;
        h.Status.Fresh = Policy(Valid, finalizer: true);
        h.Status.Fresh.Metadata.Generation = 2;

        var result = await h.ReconcileAsync(Policy(Valid, finalizer: true));

        Assert.Equal(ReconcileOutcome.Transient, result.Outcome);
    }

    [Fact]
    public async Task After_a_stale_status_write_a_finished_deletion_removes_the_finalizer_from_the_object_held_not_the_fresh_one()
    {
        var h = new Harness();
        h.Status.Answer = StatusWriteOutcome.Stale;
        h.Status.Fresh = Policy(Valid, uid: "uid-2", finalizer: true);

        var result = await h.ReconcileAsync(Policy(Valid, uid: "uid-1", finalizer: true, deleting: true));

        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
        Assert.Equal("uid-1", Assert.Single(h.Finalizers.RemovedFrom).Metadata.Uid);
    }

    [Fact]
    public async Task A_due_report_is_refreshed_and_its_summary_goes_into_the_status()
    {
        var h = new Harness();

        var result = await h.ReconcileAsync(Policy("""{"region":"us-east-1","report":{}}""", finalizer: true));

        Assert.Equal(["prod"], h.Reports.Refreshed);
        Assert.Equal(7, h.LastStatus.Report!.Total);
        Assert.Equal((ReconcileOutcome.RequeueAfter, TimeSpan.FromMinutes(1)), (result.Outcome, result.Delay));
    }

    [Theory]
    [InlineData("invalid")]
    [InlineData("conflict")]
    public async Task The_report_is_not_refreshed_for_a_policy_that_is_invalid_or_in_conflict(string why)
    {
        var h = new Harness();
        var spec = why == "invalid"
            ? """{"region":"us-east-1","report":{"interval":"1s"}}"""
            : """{"region":"us-east-1","report":{}}""";
        if (why == "conflict")
        {
            h.Cache.Put(Policy(spec, name: "older", uid: "uid-0", finalizer: true, createdDay: 1));
        }

        var result = await h.ReconcileAsync(Policy(spec, finalizer: true, createdDay: 2));

        Assert.Empty(h.Reports.Refreshed);
        Assert.Equal(why == "invalid" ? "InvalidSpec" : "Conflict", h.Ready.Reason);
        Assert.Equal(why == "invalid" ? ReconcileOutcome.Terminal : ReconcileOutcome.RequeueAfter, result.Outcome);
    }

    [Fact]
    public async Task A_policy_gone_from_the_cache_drops_its_report()
    {
        var h = new Harness();

        var result = await h.Runtime.ReconcileAsync(new ReconcileRequest(new ResourceKey(null, "gone")), TestContext.Current.CancellationToken);

        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
        Assert.Equal(["gone"], h.Reports.Forgotten);
        Assert.Empty(h.Status.Writes);
    }

    [Fact]
    public async Task A_policy_being_deleted_without_the_finalizer_is_left_alone()
    {
        var h = new Harness();

        var result = await h.ReconcileAsync(Policy(Valid, deleting: true));

        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
        Assert.Empty(h.Aws.Calls);
        Assert.Empty(h.Status.Writes);
        Assert.Empty(h.Events.Recorded);
    }
}
