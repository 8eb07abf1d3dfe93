namespace SessionAudit.Sandbox.Kubernetes.Resources;

/// <summary>The built-in kinds the operator and its chart use.</summary>
internal static class BuiltInResources
{
    private static ResourceVersionDef V1(bool status = false) => new() { Name = "v1", StatusSubresource = status };

    private static readonly Dictionary<string, string> PodTemplateKeys = new()
    {
        ["metadata.finalizers"] = "",
        ["metadata.ownerReferences"] = "uid",
        ["spec.template.metadata.finalizers"] = "",
        ["spec.template.spec.containers"] = "name",
        ["spec.template.spec.initContainers"] = "name",
        ["spec.template.spec.containers.ports"] = "containerPort",
        ["spec.template.spec.initContainers.ports"] = "containerPort",
        ["spec.template.spec.containers.env"] = "name",
        ["spec.template.spec.initContainers.env"] = "name",
        ["spec.template.spec.containers.volumeMounts"] = "mountPath",
        ["spec.template.spec.initContainers.volumeMounts"] = "mountPath",
        ["spec.template.spec.volumes"] = "name",
        ["spec.template.spec.imagePullSecrets"] = "name",
        ["status.conditions"] = "type",
    };

    private static readonly Dictionary<string, string> MetadataKeys = new()
    {
        ["metadata.finalizers"] = "",
        ["metadata.ownerReferences"] = "uid",
    };

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        new() { Group = "", Plural = "namespaces", Singular = "namespace", Kind = "Namespace", Namespaced = false, ShortNames = ["ns"], Versions = [V1(status: true)], MergeKeys = MetadataKeys },
        new() { Group = "", Plural = "configmaps", Singular = "configmap", Kind = "ConfigMap", Namespaced = true, ShortNames = ["cm"], Versions = [V1()], MergeKeys = MetadataKeys },
        new() { Group = "", Plural = "secrets", Singular = "secret", Kind = "Secret", Namespaced = true, Versions = [V1()], ExtraFieldLabels = ["type"], MergeKeys = MetadataKeys },
        new() { Group = "", Plural = "serviceaccounts", Singular = "serviceaccount", Kind = "ServiceAccount", Namespaced = true, ShortNames = ["sa"], Versions = [V1()], MergeKeys = new Dictionary<string, string>(MetadataKeys) { ["secrets"] = "name", ["imagePullSecrets"] = "name" } },
        new() { Group = "", Plural = "services", Singular = "service", Kind = "Service", Namespaced = true, ShortNames = ["svc"], Categories = ["all"], Versions = [V1(status: true)], MergeKeys = new Dictionary<string, string>(MetadataKeys) { ["spec.ports"] = "port" } },
        new() { Group = "", Plural = "events", Singular = "event", Kind = "Event", Namespaced = true, ShortNames = ["ev"], Versions = [V1()], MergeKeys = MetadataKeys,
            ExtraFieldLabels = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"] },
        new() { Group = "events.k8s.io", Plural = "events", Singular = "event", Kind = "Event", Namespaced = true, ShortNames = ["ev"], Versions = [V1()], MergeKeys = MetadataKeys,
            ExtraFieldLabels = ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason", "reportingController", "type"] },
        new() { Group = "coordination.k8s.io", Plural = "leases", Singular = "lease", Kind = "Lease", Namespaced = true, Versions = [V1()], MergeKeys = MetadataKeys },
        new() { Group = "apps", Plural = "deployments", Singular = "deployment", Kind = "Deployment", Namespaced = true, ShortNames = ["deploy"], Categories = ["all"], Versions = [V1(status: true)], HasGeneration = true, MergeKeys = PodTemplateKeys },
        new() { Group = "rbac.authorization.k8s.io", Plural = "clusterroles", Singular = "clusterrole", Kind = "ClusterRole", Namespaced = false, Versions = [V1()], MergeKeys = MetadataKeys },
        new() { Group = "rbac.authorization.k8s.io", Plural = "clusterrolebindings", Singular = "clusterrolebinding", Kind = "ClusterRoleBinding", Namespaced = false, Versions = [V1()], MergeKeys = MetadataKeys },
        new() { Group = "rbac.authorization.k8s.io", Plural = "roles", Singular = "role", Kind = "Role", Namespaced = true, Versions = [V1()], MergeKeys = MetadataKeys },
        new() { Group = "rbac.authorization.k8s.io", Plural = "rolebindings", Singular = "rolebinding", Kind = "RoleBinding", Namespaced = true, Versions = [V1()], MergeKeys = MetadataKeys },
        // As kube-apiserver 1.32 serves it (pkg/registry/networking/networkpolicy): short name netpol, no /status
        // (the alpha status field was removed in 1.28), generation set on create and bumped on spec changes; the
        // ingress/egress lists are atomic, so no merge keys beyond metadata's.
        new() { Group = "networking.k8s.io", Plural = "networkpolicies", Singular = "networkpolicy", Kind = "NetworkPolicy", Namespaced = true, ShortNames = ["netpol"], Versions = [V1()], HasGeneration = true, MergeKeys = MetadataKeys },
        new() { Group = "apiextensions.k8s.io", Plural = "customresourcedefinitions", Singular = "customresourcedefinition", Kind = "CustomResourceDefinition", Namespaced = false, ShortNames = ["crd", "crds"], Versions = [V1(status: true)], HasGeneration = true,
            MergeKeys = new Dictionary<string, string>(MetadataKeys) { ["status.conditions"] = "type" } },
    ];
}
