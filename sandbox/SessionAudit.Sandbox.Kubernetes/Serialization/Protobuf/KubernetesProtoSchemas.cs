namespace SessionAudit.Sandbox.Kubernetes.Serialization.Protobuf;

/// <summary>
/// Field numbers of the built-in kinds kubectl's <c>create</c> subcommands and Helm's release storage send as protobuf,
/// copied from k8s.io/api and k8s.io/apimachinery generated.proto (numbers never change between releases).
/// Fields not listed here are accepted only when they carry zero values.
/// </summary>
internal static class KubernetesProtoSchemas
{
    // k8s.io/apimachinery/pkg/apis/meta/v1
    private static readonly ProtoMessage OwnerReference = new(
        "OwnerReference",
        Str(5, "apiVersion", keep: true),
        Str(1, "kind", keep: true),
        Str(3, "name", keep: true),
        Str(4, "uid", keep: true),
        new(6, "controller", FieldKind.Bool, Keep: true),
        new(7, "blockOwnerDeletion", FieldKind.Bool, Keep: true));

    private static readonly ProtoMessage ObjectMeta = new(
        "ObjectMeta",
        Str(1, "name"),
        Str(2, "generateName"),
        Str(3, "namespace"),
        Str(4, "selfLink"),
        Str(5, "uid"),
        Str(6, "resourceVersion"),
        new(7, "generation", FieldKind.Int64),
        new(8, "creationTimestamp", FieldKind.Time),
        new(9, "deletionTimestamp", FieldKind.Time),
        new(10, "deletionGracePeriodSeconds", FieldKind.Int64, Keep: true),
        new(11, "labels", FieldKind.StringMap),
        new(12, "annotations", FieldKind.StringMap),
        Msg(13, "ownerReferences", OwnerReference, repeated: true),
        Strs(14, "finalizers"));

    private static readonly ProtoMessage LabelSelectorRequirement = new(
        "LabelSelectorRequirement",
        Str(1, "key", keep: true),
        Str(2, "operator", keep: true),
        Strs(3, "values"));

    private static readonly ProtoMessage LabelSelector = new(
        "LabelSelector",
        new(1, "matchLabels", FieldKind.StringMap),
        Msg(2, "matchExpressions", LabelSelectorRequirement, repeated: true));

    private static readonly ProtoMessage Preconditions = new(
        "Preconditions",
        Str(1, "uid", keep: true),
        Str(2, "resourceVersion", keep: true));

    private static readonly ProtoMessage DeleteOptions = new(
        "DeleteOptions",
        new(1, "gracePeriodSeconds", FieldKind.Int64, Keep: true),
        Msg(2, "preconditions", Preconditions),
        new(3, "orphanDependents", FieldKind.Bool, Keep: true),
        Str(4, "propagationPolicy", keep: true),
        Strs(5, "dryRun"));

    // k8s.io/api/core/v1
    private static readonly ProtoMessage ObjectReference = new(
        "ObjectReference",
        Str(1, "kind"),
        Str(2, "namespace"),
        Str(3, "name"),
        Str(4, "uid"),
        Str(5, "apiVersion"),
        Str(6, "resourceVersion"),
        Str(7, "fieldPath"));

    private static readonly ProtoMessage LocalObjectReference = new("LocalObjectReference", Str(1, "name"));

    private static readonly ProtoMessage NamespaceSpec = new("NamespaceSpec", Strs(1, "finalizers"));

    private static readonly ProtoMessage NamespaceStatus = new("NamespaceStatus", Str(1, "phase"));

    private static readonly ProtoMessage Namespace = new(
        "Namespace",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", NamespaceSpec),
        Msg(3, "status", NamespaceStatus));

    private static readonly ProtoMessage ConfigMap = new(
        "ConfigMap",
        Msg(1, "metadata", ObjectMeta),
        new(4, "immutable", FieldKind.Bool, Keep: true),
        new(2, "data", FieldKind.StringMap),
        new(3, "binaryData", FieldKind.BytesMap));

    private static readonly ProtoMessage Secret = new(
        "Secret",
        Msg(1, "metadata", ObjectMeta),
        new(5, "immutable", FieldKind.Bool, Keep: true),
        new(2, "data", FieldKind.BytesMap),
        new(4, "stringData", FieldKind.StringMap),
        Str(3, "type"));

    private static readonly ProtoMessage ServiceAccount = new(
        "ServiceAccount",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "secrets", ObjectReference, repeated: true),
        Msg(3, "imagePullSecrets", LocalObjectReference, repeated: true),
        new(4, "automountServiceAccountToken", FieldKind.Bool, Keep: true));

    private static readonly ProtoMessage ServicePort = new(
        "ServicePort",
        Str(1, "name"),
        Str(2, "protocol"),
        Str(6, "appProtocol", keep: true),
        new(3, "port", FieldKind.Int32, Keep: true),
        new(4, "targetPort", FieldKind.IntOrString),
        new(5, "nodePort", FieldKind.Int32));

    private static readonly ProtoMessage ServiceSpec = new(
        "ServiceSpec",
        Msg(1, "ports", ServicePort, repeated: true),
        new(2, "selector", FieldKind.StringMap),
        Str(3, "clusterIP"),
        Strs(18, "clusterIPs"),
        Str(4, "type"),
        Strs(5, "externalIPs"),
        Str(7, "sessionAffinity"),
        Str(8, "loadBalancerIP"),
        Strs(9, "loadBalancerSourceRanges"),
        Str(10, "externalName"));

    // Only an empty status is accepted: clients do not create objects with a status.
    private static readonly ProtoMessage EmptyStatus = new("Status");

    // ServiceStatus{1: loadBalancer} is a non-pointer struct, so JSON always carries "loadBalancer": {}.
    private static readonly ProtoMessage ServiceStatus = new("ServiceStatus", Msg(1, "loadBalancer", new ProtoMessage("LoadBalancerStatus")));

    private static readonly ProtoMessage Service = new(
        "Service",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", ServiceSpec),
        Msg(3, "status", ServiceStatus));

    private static readonly ProtoMessage ContainerPort = new(
        "ContainerPort",
        Str(1, "name"),
        new(2, "hostPort", FieldKind.Int32),
        new(3, "containerPort", FieldKind.Int32, Keep: true),
        Str(4, "protocol"),
        Str(5, "hostIP"));

    private static readonly ProtoMessage EnvVar = new(
        "EnvVar",
        Str(1, "name", keep: true),
        Str(2, "value"));

    private static readonly ProtoMessage ResourceRequirements = new(
        "ResourceRequirements",
        new(1, "limits", FieldKind.QuantityMap),
        new(2, "requests", FieldKind.QuantityMap));

    private static readonly ProtoMessage Container = new(
        "Container",
        Str(1, "name", keep: true),
        Str(2, "image"),
        Strs(3, "command"),
        Strs(4, "args"),
        Str(5, "workingDir"),
        Msg(6, "ports", ContainerPort, repeated: true),
        Msg(7, "env", EnvVar, repeated: true),
        Msg(8, "resources", ResourceRequirements),
        Str(13, "terminationMessagePath"),
        Str(20, "terminationMessagePolicy"),
        Str(14, "imagePullPolicy"),
        new(16, "stdin", FieldKind.Bool),
        new(17, "stdinOnce", FieldKind.Bool),
        new(18, "tty", FieldKind.Bool));

    private static readonly ProtoMessage PodSpec = new(
        "PodSpec",
        Msg(20, "initContainers", Container, repeated: true),
        Msg(2, "containers", Container, repeated: true),
        Str(3, "restartPolicy"),
        new(4, "terminationGracePeriodSeconds", FieldKind.Int64, Keep: true),
        new(5, "activeDeadlineSeconds", FieldKind.Int64, Keep: true),
        Str(6, "dnsPolicy"),
        new(7, "nodeSelector", FieldKind.StringMap),
        Str(8, "serviceAccountName"),
        Str(9, "serviceAccount"),
        new(21, "automountServiceAccountToken", FieldKind.Bool, Keep: true),
        Str(10, "nodeName"));

    private static readonly ProtoMessage PodTemplateSpec = new(
        "PodTemplateSpec",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", PodSpec));

    // k8s.io/api/apps/v1
    private static readonly ProtoMessage RollingUpdateDeployment = new(
        "RollingUpdateDeployment",
        new(1, "maxUnavailable", FieldKind.IntOrString),
        new(2, "maxSurge", FieldKind.IntOrString));

    private static readonly ProtoMessage DeploymentStrategy = new(
        "DeploymentStrategy",
        Str(1, "type"),
        Msg(2, "rollingUpdate", RollingUpdateDeployment));

    private static readonly ProtoMessage DeploymentSpec = new(
        "DeploymentSpec",
        new(1, "replicas", FieldKind.Int32, Keep: true),
        Msg(2, "selector", LabelSelector),
        Msg(3, "template", PodTemplateSpec),
        Msg(4, "strategy", DeploymentStrategy),
        new(5, "minReadySeconds", FieldKind.Int32),
        new(6, "revisionHistoryLimit", FieldKind.Int32, Keep: true),
        new(7, "paused", FieldKind.Bool),
        new(9, "progressDeadlineSeconds", FieldKind.Int32, Keep: true));

    private static readonly ProtoMessage Deployment = new(
        "Deployment",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", DeploymentSpec),
        Msg(3, "status", EmptyStatus));

    // k8s.io/api/rbac/v1
    private static readonly ProtoMessage PolicyRule = new(
        "PolicyRule",
        new(1, "verbs", FieldKind.String, Repeated: true, NullIfAbsent: true),
        Strs(2, "apiGroups"),
        Strs(3, "resources"),
        Strs(4, "resourceNames"),
        Strs(5, "nonResourceURLs"));

    private static readonly ProtoMessage AggregationRule = new(
        "AggregationRule",
        Msg(1, "clusterRoleSelectors", LabelSelector, repeated: true));

    private static readonly ProtoMessage Subject = new(
        "Subject",
        Str(1, "kind", keep: true),
        Str(2, "apiGroup"),
        Str(3, "name", keep: true),
        Str(4, "namespace"));

    private static readonly ProtoMessage RoleRef = new(
        "RoleRef",
        Str(1, "apiGroup", keep: true),
        Str(2, "kind", keep: true),
        Str(3, "name", keep: true));

    private static readonly ProtoMessage Role = new(
        "Role",
        Msg(1, "metadata", ObjectMeta),
        new(2, "rules", FieldKind.Message, Repeated: true, Message: PolicyRule, NullIfAbsent: true));

    private static readonly ProtoMessage ClusterRole = new(
        "ClusterRole",
        Msg(1, "metadata", ObjectMeta),
        new(2, "rules", FieldKind.Message, Repeated: true, Message: PolicyRule, NullIfAbsent: true),
        Msg(3, "aggregationRule", AggregationRule));

    private static readonly ProtoMessage RoleBinding = new(
        "RoleBinding",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "subjects", Subject, repeated: true),
        Msg(3, "roleRef", RoleRef));

    private static readonly ProtoMessage ClusterRoleBinding = new(
        "ClusterRoleBinding",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "subjects", Subject, repeated: true),
        Msg(3, "roleRef", RoleRef));

    private static readonly Dictionary<(string ApiVersion, string Kind), ProtoMessage> Kinds = new()
    {
        [("v1", "Namespace")] = Namespace,
        [("v1", "ConfigMap")] = ConfigMap,
        [("v1", "Secret")] = Secret,
        [("v1", "ServiceAccount")] = ServiceAccount,
        [("v1", "Service")] = Service,
        [("apps/v1", "Deployment")] = Deployment,
        [("rbac.authorization.k8s.io/v1", "Role")] = Role,
        [("rbac.authorization.k8s.io/v1", "ClusterRole")] = ClusterRole,
        [("rbac.authorization.k8s.io/v1", "RoleBinding")] = RoleBinding,
        [("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")] = ClusterRoleBinding,
    };

    /// <summary>The kinds that can be decoded, as <c>apiVersion/kind</c>.</summary>
    public static IEnumerable<string> Supported => Kinds.Keys.Select(k => $"{k.ApiVersion}/{k.Kind}").Append("*/DeleteOptions");

    /// <summary>The message for a kind; DeleteOptions is registered in every group version.</summary>
    public static ProtoMessage? For(string apiVersion, string kind) =>
        kind == "DeleteOptions" ? DeleteOptions : Kinds.GetValueOrDefault((apiVersion, kind));

    private static ProtoField Str(int number, string json, bool keep = false) => new(number, json, FieldKind.String, Keep: keep);

    private static ProtoField Strs(int number, string json) => new(number, json, FieldKind.String, Repeated: true);

    private static ProtoField Msg(int number, string json, ProtoMessage message, bool repeated = false) =>
        new(number, json, FieldKind.Message, Repeated: repeated, Message: message);
}
