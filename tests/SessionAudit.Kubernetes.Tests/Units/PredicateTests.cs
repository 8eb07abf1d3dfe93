using k8s.Models;
using SessionAudit.Kubernetes.Controller;
using Xunit;

namespace SessionAudit.Kubernetes.Tests.Units;

public sealed class PredicateTests
{
    private static V1ConfigMap Obj(long gen, string rv) => new()
    {
        Metadata = new V1ObjectMeta { Name = "a", Generation = gen, ResourceVersion = rv, Annotations = new Dictionary<string, string> { ["x"] = "1" } },
    };

    [Fact]
    public void A_status_only_update_does_not_trigger()
    {
        Assert.False(Predicates.GenerationOrMetadataChanged(Obj(1, "10"), Obj(1, "11")));
    }

    [Fact]
    public void Spec_deletion_and_annotation_changes_trigger()
    {
        Assert.True(Predicates.GenerationOrMetadataChanged(Obj(1, "10"), Obj(2, "11")));

        var deleting = Obj(1, "11");
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.True(Predicates.GenerationOrMetadataChanged(Obj(1, "10"), deleting));

        var annotated = Obj(1, "11");
        annotated.Metadata.Annotations["reconcile.example/requestedAt"] = "now";
        Assert.True(Predicates.GenerationOrMetadataChanged(Obj(1, "10"), annotated));
    }

    [Fact]
    public void A_finalizer_change_triggers_only_while_the_object_is_being_deleted()
    {
        // The controller's own finalizer add on a live object must not cost a second reconcile.
        var finalized = Obj(1, "11");
        finalized.Metadata.Finalizers = ["x/y"];
        Assert.False(Predicates.GenerationOrMetadataChanged(Obj(1, "10"), finalized));

        // While deleting, another finalizer going away is what lets the cleanup finish.
        var deletedAt = DateTime.UtcNow;
        var before = Obj(1, "12");
        before.Metadata.DeletionTimestamp = deletedAt;
        before.Metadata.Finalizers = ["x/y", "other/z"];
        var after = Obj(1, "13");
        after.Metadata.DeletionTimestamp = deletedAt;
        after.Metadata.Finalizers = ["x/y"];
        Assert.True(Predicates.GenerationOrMetadataChanged(before, after));
    }

    [Fact]
    public void The_last_applied_annotation_alone_does_not_trigger()
    {
        var applied = Obj(1, "11");
        applied.Metadata.Annotations["kubectl.kubernetes.io/last-applied-configuration"] = "{}";
        Assert.False(Predicates.GenerationOrMetadataChanged(Obj(1, "10"), applied));
    }
}
