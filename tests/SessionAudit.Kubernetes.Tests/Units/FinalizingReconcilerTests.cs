using k8s.Models;
using SessionAudit.Kubernetes.Controller;
using SessionAudit.Kubernetes.Informer;
using SessionAudit.Kubernetes.Resources;
using SessionAudit.Kubernetes.Status;
using SessionAudit.Kubernetes.Tests.Sandbox;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Units;

/// <summary>The runtime's finalizer hooks: what it does with an object before, instead of and after the reconciler.</summary>
public sealed class FinalizingReconcilerTests
{
    private const string Finalizer = "test.sessionaudit.io/cleanup";

    /// <summary>Everything that happened, in order: finalizer patches and the reconciler's hooks.</summary>
    private sealed class Journal : List<string>;

    private sealed class Cache : IResourceCache<Widget>
    {
        public Dictionary<ResourceKey, Widget> Items { get; } = [];

        public bool HasSynced => true;

        public int Count => Items.Count;

        public Widget? Get(ResourceKey key) => Items.GetValueOrDefault(key);

        public IReadOnlyList<Widget> List() => [.. Items.Values];

        public IReadOnlyList<Widget> ByIndex(string index, string value) => throw new ArgumentException("no index", nameof(index));

        public Task WaitForSyncAsync(CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class Finalizers(Journal journal) : IFinalizers<Widget>
    {
        public bool Gone { get; set; }

        public List<Widget> RemovedFrom { get; } = [];

        public Task<Widget?> AddAsync(Widget obj, string finalizer, CancellationToken ct)
        {
            journal.Add("add " + finalizer);
            if (Gone)
            {
                return Task.FromResult<Widget?>(null);
            }

            var stored = ObjectCopy.DeepClone(obj);
            stored.Metadata.Finalizers = [.. stored.Metadata.Finalizers ?? [], finalizer];
            return Task.FromResult<Widget?>(stored);
        }

        public Task<Widget?> RemoveAsync(Widget obj, string finalizer)
        {
            journal.Add("remove " + finalizer);
            RemovedFrom.Add(obj);
            return Task.FromResult<Widget?>(null);
        }
    }

    private sealed class Reconciler(Journal journal) : IFinalizingReconciler<Widget>
    {
        public FinalizeResult<Widget> Finalized { get; set; } = FinalizeResult<Widget>.Done();

        public string Finalizer => FinalizingReconcilerTests.Finalizer;

        public Task<ReconcileResult> ReconcileAsync(Widget obj, ReconcileRequest req, CancellationToken ct)
        {
            journal.Add($"reconcile finalizers={string.Join(",", obj.Metadata.Finalizers ?? [])}");
            return Task.FromResult(ReconcileResult.RequeueAfter(TimeSpan.FromMinutes(1)));
        }

        public Task<FinalizeResult<Widget>> FinalizeAsync(Widget obj, ReconcileRequest req, CancellationToken ct)
        {
            journal.Add("finalize");
            return Task.FromResult(Finalized);
        }

        public Task ForgetAsync(ResourceKey key, CancellationToken ct)
        {
            journal.Add("forget " + key);
            return Task.CompletedTask;
        }
    }

    private sealed class Setup
    {
        public Setup()
        {
            Finalizers = new Finalizers(Journal);
            Reconciler = new Reconciler(Journal);
            Runtime = new FinalizingReconciler<Widget>(Cache, Finalizers, Reconciler);
        }

        public Journal Journal { get; } = [];

        public Cache Cache { get; } = new();

        public Finalizers Finalizers { get; }

        public Reconciler Reconciler { get; }

        public FinalizingReconciler<Widget> Runtime { get; }

        public Task<ReconcileResult> ReconcileAsync(Widget w)
        {
            Cache.Items[ResourceKey.Of(w)] = w;
            return Runtime.ReconcileAsync(new ReconcileRequest(ResourceKey.Of(w)), TestContext.Current.CancellationToken);
        }
    }

    private static Widget New(string uid = "u-1", bool finalizer = false, bool deleting = false, string? other = null)
    {
        var w = Widget.New("default", "a", 1);
        w.Metadata.Uid = uid;
        w.Metadata.Finalizers = [.. finalizer ? [Finalizer] : Array.Empty<string>(), .. other is null ? [] : new[] { other }];
        w.Metadata.DeletionTimestamp = deleting ? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) : null;
        return w;
    }

    [Fact]
    public async Task A_live_object_gets_the_finalizer_before_its_first_reconcile_and_the_reconciler_sees_it()
    {
        var s = new Setup();

        var result = await s.ReconcileAsync(New());

        Assert.Equal(["add " + Finalizer, "reconcile finalizers=" + Finalizer], s.Journal);
        Assert.Equal(ReconcileOutcome.RequeueAfter, result.Outcome);
    }

    [Fact]
    public async Task A_live_object_that_carries_the_finalizer_is_reconciled_without_a_patch()
    {
        var s = new Setup();

        await s.ReconcileAsync(New(finalizer: true));

        Assert.Equal(["reconcile finalizers=" + Finalizer], s.Journal);
    }

    [Fact]
    public async Task An_object_gone_while_its_finalizer_is_added_is_not_reconciled()
    {
        var s = new Setup();
        s.Finalizers.Gone = true;

        var result = await s.ReconcileAsync(New());

        Assert.Equal(["add " + Finalizer], s.Journal);
        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
    }

    [Fact]
    public async Task An_object_gone_from_the_cache_is_forgotten_and_succeeds()
    {
        var s = new Setup();

        var result = await s.Runtime.ReconcileAsync(new ReconcileRequest(new ResourceKey("default", "gone")), TestContext.Current.CancellationToken);

        Assert.Equal(["forget default/gone"], s.Journal);
        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
    }

    [Fact]
    public async Task An_object_being_deleted_without_the_finalizer_is_left_alone()
    {
        var s = new Setup();

        var result = await s.ReconcileAsync(New(deleting: true, other: "someone.else/hold"));

        Assert.Empty(s.Journal);
        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
    }

    [Fact]
    public async Task A_finished_delete_path_has_the_finalizer_removed_from_the_latest_stored_object_then_forgotten()
    {
        var s = new Setup();
        var latest = New(finalizer: true, deleting: true);
        latest.Metadata.ResourceVersion = "after-status";
        s.Reconciler.Finalized = FinalizeResult<Widget>.Done(latest);

        var result = await s.ReconcileAsync(New(finalizer: true, deleting: true));

        Assert.Equal(["finalize", "remove " + Finalizer, "forget default/a"], s.Journal);
        Assert.Same(latest, Assert.Single(s.Finalizers.RemovedFrom));
        Assert.Equal(ReconcileOutcome.Success, result.Outcome);
    }

    [Fact]
    public async Task The_finalizer_is_never_removed_from_an_object_recreated_under_the_name()
    {
        var s = new Setup();
        s.Reconciler.Finalized = FinalizeResult<Widget>.Done(New(uid: "u-2", finalizer: true));
        var held = New(uid: "u-1", finalizer: true, deleting: true);

        await s.ReconcileAsync(held);

        Assert.Equal("u-1", Assert.Single(s.Finalizers.RemovedFrom).Metadata.Uid);
    }

    [Fact]
    public async Task An_unfinished_delete_path_keeps_the_finalizer_and_answers_the_queue()
    {
        var s = new Setup();
        s.Reconciler.Finalized = FinalizeResult<Widget>.NotYet(ReconcileResult.Transient("cleanup failed"));

        var result = await s.ReconcileAsync(New(finalizer: true, deleting: true));

        Assert.Equal(["finalize"], s.Journal);
        Assert.Equal(ReconcileOutcome.Transient, result.Outcome);
    }
}
